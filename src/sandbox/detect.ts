import { SANDBOX_SERVICE_NAME } from './admin.ts';

/**
 * True when `endpointUrl` is this project's sandbox (it answers `/_sandbox/health` with its name).
 * Only loopback endpoints are asked, so a run against a real or third-party endpoint sends nothing
 * extra. A sandbox-backed run is labelled as sandbox data and uses the sandbox's console.
 */
export async function isEvidencePackSandbox(endpointUrl: string | undefined): Promise<boolean> {
  if (!endpointUrl) return false;
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    return false;
  }
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname)) return false;
  try {
    const res = await fetch(new URL('/_sandbox/health', url), { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { service?: unknown };
    return body.service === SANDBOX_SERVICE_NAME;
  } catch {
    return false;
  }
}
