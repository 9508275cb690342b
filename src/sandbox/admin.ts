/**
 * The sandbox's own HTTP API under `/_sandbox/`, so a sandbox running in another process can be
 * configured: fault rules, latency, request statistics, the clock.
 *
 * - `GET /_sandbox/health` → `{ "ok": true, "service": "evidence-pack-sandbox" }`
 * - `GET /_sandbox/faults` → `{ rules, latencyMs }`; `POST` `{ rules: FaultRule[], seed? }` (or a bare
 *   array) replaces the rules; `DELETE` clears them
 * - `POST /_sandbox/latency` `{ ms }`
 * - `GET /_sandbox/stats` → per-operation request and fault counts; `DELETE` resets them
 * - `POST /_sandbox/clock` `{ now?: ISO string, advanceMs?: number, realTime?: true }` → `{ now }`
 * - `PUT /_sandbox/accounts/<id>/roles/<name>` creates an IAM role in the account, `DELETE` removes
 *   it (AssumeRole into a role an account is known not to have is refused) → `{ roles }`
 * - `POST /_sandbox/inventory-report` `{ bucket, id, at?: ISO string, rowsPerFile?: number }` → the
 *   delivered report (`{ destinationBucket, manifestKey, dataKeys, rows }`): S3 Inventory delivers on
 *   its own schedule; the sandbox delivers when asked
 */
import { parseFaultRule } from './faults.ts';
import type { FaultController, FaultRule } from './faults.ts';
import type { SandboxResponse } from './protocols/call.ts';
import { deliverInventoryReport } from './s3/inventory-report.ts';
import type { SandboxState } from './state.ts';
import { createRole, deleteRole } from './organizations/setup.ts';

/** How the sandbox names itself on `/_sandbox/health`, so a run can tell it from real AWS. */
export const SANDBOX_SERVICE_NAME = 'evidence-pack-sandbox';

/** Path prefix of the admin API. */
export const ADMIN_PREFIX = '/_sandbox/';

function json(status: number, value: unknown): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** Whether a host name (from a Host or Origin header) is this machine's loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function hostnameOf(hostHeader: string): string {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return '';
  }
}

/**
 * Why an admin request is refused, or `undefined`. The admin API reconfigures the sandbox, so it
 * answers only requests addressed to a loopback Host (which defeats DNS rebinding) and carrying no
 * Origin other than a loopback one (a web page open in the developer's browser cannot reach it).
 * `GET /_sandbox/health` also answers other Hosts: it is read-only and lets a run tell a sandbox
 * listening on another address from AWS.
 */
export function adminRefusal(
  headers: Record<string, string | string[] | undefined>,
  path: string,
): SandboxResponse | undefined {
  const origin = headers.origin;
  if (typeof origin === 'string') {
    let originHost = '';
    try {
      originHost = new URL(origin).hostname;
    } catch {
      // "null" or garbage: not loopback.
    }
    if (!isLoopbackHost(originHost)) {
      return json(403, { error: `the admin API refuses requests from web origin ${origin}` });
    }
  }
  const host = typeof headers.host === 'string' ? hostnameOf(headers.host) : '';
  if (!isLoopbackHost(host) && path !== `${ADMIN_PREFIX}health`) {
    return json(403, {
      error: 'the admin API answers only on a loopback host name (localhost, 127.0.0.1, ::1)',
    });
  }
  return undefined;
}

function badRequest(message: string): SandboxResponse {
  return json(400, { error: message });
}

function parseBody(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  return text === '' ? {} : JSON.parse(text);
}

function setFaults(faults: FaultController, body: unknown): SandboxResponse {
  const raw = Array.isArray(body) ? { rules: body } : (body as { rules?: unknown; seed?: unknown });
  if (!Array.isArray(raw.rules)) return badRequest('expected { "rules": [...] }');
  const rules: FaultRule[] = [];
  for (const item of raw.rules) {
    const rule = parseFaultRule(item);
    if (typeof rule === 'string') return badRequest(rule);
    rules.push(rule);
  }
  if (raw.seed !== undefined && typeof raw.seed !== 'number') return badRequest('seed must be a number');
  faults.setRules(rules, raw.seed);
  return json(200, { rules: faults.list() });
}

function setClock(state: SandboxState, body: Record<string, unknown>): SandboxResponse {
  if (body.realTime === true) state.useRealTime();
  if (typeof body.now === 'string') {
    const date = new Date(body.now);
    if (Number.isNaN(date.getTime())) return badRequest('now must be an ISO date');
    state.setNow(date);
  }
  if (typeof body.advanceMs === 'number') state.advance(body.advanceMs);
  return json(200, { now: state.now().toISOString() });
}

function inventoryReport(state: SandboxState, body: Record<string, unknown>): SandboxResponse {
  const { bucket, id, at, rowsPerFile } = body;
  if (typeof bucket !== 'string' || typeof id !== 'string')
    return badRequest('expected { "bucket": "...", "id": "..." }');
  const when = typeof at === 'string' ? new Date(at) : undefined;
  if (when && Number.isNaN(when.getTime())) return badRequest('at must be an ISO date');
  if (rowsPerFile !== undefined && (typeof rowsPerFile !== 'number' || rowsPerFile < 1))
    return badRequest('rowsPerFile must be a positive number');
  try {
    return json(200, deliverInventoryReport(state, bucket, id, { at: when, rowsPerFile }));
  } catch (err) {
    return badRequest(err instanceof Error ? err.message : String(err));
  }
}

/** Answer an admin request. */
export function handleAdmin(
  method: string,
  path: string,
  body: Buffer,
  deps: { faults: FaultController; state: SandboxState },
): SandboxResponse {
  let parsed: unknown;
  try {
    parsed = parseBody(body);
  } catch {
    return badRequest('body must be JSON');
  }
  const route = `${method} ${path.slice(ADMIN_PREFIX.length).replace(/\/$/, '')}`;
  const role = /^(PUT|DELETE) accounts\/(\d{12})\/roles\/([\w+=,.@-]{1,64})$/.exec(route);
  if (role?.[2] && role[3]) {
    const roles =
      role[1] === 'PUT' ? createRole(deps.state, role[2], role[3]) : deleteRole(deps.state, role[2], role[3]);
    return json(200, { roles });
  }
  switch (route) {
    case 'GET health':
      return json(200, { ok: true, service: SANDBOX_SERVICE_NAME });
    case 'GET faults':
      return json(200, { rules: deps.faults.list(), latencyMs: deps.faults.latencyMs });
    case 'POST faults':
    case 'PUT faults':
      return setFaults(deps.faults, parsed);
    case 'DELETE faults':
      deps.faults.clear();
      return json(200, { rules: [] });
    case 'POST latency': {
      const ms = (parsed as { ms?: unknown }).ms;
      if (typeof ms !== 'number' || ms < 0) return badRequest('ms must be a non-negative number');
      deps.faults.latencyMs = ms;
      return json(200, { latencyMs: ms });
    }
    case 'GET stats':
      return json(200, deps.faults.stats());
    case 'DELETE stats':
      deps.faults.resetStats();
      return json(200, deps.faults.stats());
    case 'POST clock':
      return setClock(deps.state, parsed as Record<string, unknown>);
    case 'POST inventory-report':
      return inventoryReport(deps.state, parsed as Record<string, unknown>);
    default:
      return json(404, { error: `no admin route ${route}` });
  }
}
