/**
 * Keeping sign-in material out of everything we write: URLs lose their token-like query parameters
 * and error messages lose any known secret and any federation URL.
 */

const SENSITIVE_PARAM = /token|signature|credential|session|secret|password|security|auth/i;

/**
 * The URL without query parameters whose names look like secrets (SigninToken, X-Amz-Security-Token,
 * Session, ...) and without userinfo. Unparseable input is returned as `[unparseable url]`.
 */
export function sanitizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[unparseable url]';
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SENSITIVE_PARAM.test(name)) parsed.searchParams.delete(name);
  }
  if (parsed.pathname.endsWith('/federation')) parsed.search = '';
  return parsed.toString();
}

/**
 * An error message safe to record: every occurrence of a known secret is replaced, every URL is
 * sanitized, and the message is cut to its first line.
 */
export function sanitizeError(err: unknown, secrets: readonly (string | undefined)[]): string {
  let message = err instanceof Error ? err.message : String(err);
  message = message.split('\n')[0] ?? '';
  for (const secret of secrets) {
    if (secret && secret.length >= 4) message = message.split(secret).join('[redacted]');
    // Secrets also travel URL-encoded inside query strings.
    if (secret && secret.length >= 4) message = message.split(encodeURIComponent(secret)).join('[redacted]');
  }
  message = message.replace(/https?:\/\/[^\s"'<>]+/g, (u) => sanitizeUrl(u));
  return message.slice(0, 500);
}
