/**
 * The sandbox clock as a scenario script sets it, through the admin API (`POST /_sandbox/clock`):
 * scenarios that build history (an audit period's changes) set the clock back, make their AWS
 * calls, then return it to real time.
 */

/** Set the sandbox clock to `now`, or back to real time. */
export async function setClock(endpoint: string, body: { now: string } | { realTime: true }): Promise<void> {
  const res = await fetch(new URL('/_sandbox/clock', endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox clock: HTTP ${res.status}`);
}
