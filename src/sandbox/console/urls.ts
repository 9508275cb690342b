/**
 * The sandbox console's URL scheme: a real AWS console URL is served by the sandbox under
 * `/_console/<host>/<path>`. The product never imports this; the composition root (the `demo`,
 * `sandbox` and `bench` commands, `cli/sandbox-link.ts`) hands the mapping to the pipeline.
 */

/** Prefix of sandbox console paths. */
export const SANDBOX_CONSOLE_PREFIX = '/_console/';

/**
 * Map a real console URL onto the sandbox: `https://<host>/<path>?q#h` →
 * `<sandboxUrl>/_console/<host>/<path>?q#h`. The sandbox also serves the sign-in endpoint at
 * `<sandboxUrl>/federation` (so its signin base is `sandboxUrl`).
 */
export function toSandboxConsoleUrl(realUrl: string, sandboxUrl: string): string {
  const real = new URL(realUrl);
  const base = sandboxUrl.replace(/\/+$/, '');
  return `${base}${SANDBOX_CONSOLE_PREFIX}${real.host}${real.pathname}${real.search}${real.hash}`;
}

/** The inverse of {@link toSandboxConsoleUrl}, or `undefined` when the URL is not a sandbox console URL. */
export function fromSandboxConsoleUrl(sandboxPathAndQuery: string): string | undefined {
  if (!sandboxPathAndQuery.startsWith(SANDBOX_CONSOLE_PREFIX)) return undefined;
  const rest = sandboxPathAndQuery.slice(SANDBOX_CONSOLE_PREFIX.length);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (!/^[a-z0-9.-]+$/i.test(host)) return undefined;
  return `https://${host}${slash < 0 ? '/' : rest.slice(slash)}`;
}

/**
 * The sandbox at `url` as the pipeline takes it (`SandboxLink` in `pipeline/run.ts`, matched by shape
 * so the sandbox imports no product code): where it listens and how its console serves a real URL.
 */
export function sandboxLink(url: string): { url: string; consoleUrlFor(realUrl: string): string } {
  return { url, consoleUrlFor: (realUrl) => toSandboxConsoleUrl(realUrl, url) };
}
