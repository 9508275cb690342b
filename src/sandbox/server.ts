/**
 * The sandbox HTTP server: one loopback endpoint that real AWS SDK v3 clients talk to. It reads
 * each request, authenticates the caller from the SigV4 credential scope, routes by protocol
 * (JSON 1.1 by `X-Amz-Target`, S3 Control by path, STS by credential scope / form body, S3
 * otherwise), applies latency and faults, and answers in that protocol's wire format.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ADMIN_PREFIX, adminRefusal, handleAdmin } from './admin.ts';
import { authenticate } from './auth.ts';
import { FaultController } from './faults.ts';
import { mutateBody } from './mutate.ts';
import type { FaultRule } from './faults.ts';
import { faultError } from './protocols/call.ts';
import type { IncomingCall, RoutedCall, SandboxResponse } from './protocols/call.ts';
import { routeJson } from './protocols/json.ts';
import { isS3ControlPath, routeS3Control } from './s3/control.ts';
import { routeS3 } from './s3/service.ts';
import { getScenario } from './scenarios/index.ts';
import { routeSts } from './services/sts.ts';
import { SandboxState } from './state.ts';
import { SandboxError } from './types.ts';
import { handleConsoleRequest } from './console/index.ts';

/** Options of `startSandbox`. */
export interface StartSandboxOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Scenario name (see `scenarios/index.ts`), run once the server listens. */
  scenario?: string;
  /** Delay added to every request. */
  latencyMs?: number;
  faults?: FaultRule[];
  /** Seed of the random source for probabilistic faults (default 1). */
  faultSeed?: number;
  /** Account that long-term access keys act as (default `111122223333`). */
  defaultAccountId?: string;
  /** Largest request body accepted (default {@link DEFAULT_MAX_BODY_BYTES}); larger ones get `EntityTooLarge`. */
  maxBodyBytes?: number;
}

/** Default request body cap: far above any call the tool makes or any pack it uploads. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;

type BodyRead = { ok: true; body: Buffer } | { ok: false; size: number };

/** A running sandbox. */
export interface RunningSandbox {
  /** Endpoint URL, e.g. `http://127.0.0.1:43121`. */
  url: string;
  port: number;
  state: SandboxState;
  faults: FaultController;
  /** Stop listening, drop held and idle connections. */
  close(): Promise<void>;
}

/** The body, or its (at least) size once it passes `limit`: the rest is discarded, never buffered. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.resolve({ ok: false, size: declared });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve({ ok: false, size });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve({ ok: true, body: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

function looksLikeQueryProtocol(req: IncomingMessage, rawPath: string): boolean {
  return (
    req.method === 'POST' &&
    rawPath === '/' &&
    (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  );
}

function route(call: IncomingCall, req: IncomingMessage): RoutedCall {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return routeJson(call, target);
  if (isS3ControlPath(call.rawPath)) return routeS3Control(call);
  const service = call.auth.ok ? call.auth.scope.service : call.auth.scope?.service;
  if (service === 'sts' || (service === undefined && looksLikeQueryProtocol(req, call.rawPath)))
    return routeSts(call);
  return routeS3(call);
}

function requestIdHeaders(protocol: RoutedCall['protocol'], requestId: string): Record<string, string> {
  if (protocol === 'rest-xml') {
    return { 'x-amz-request-id': requestId, 'x-amz-id-2': randomBytes(48).toString('base64') };
  }
  return { 'x-amzn-RequestId': requestId };
}

function send(res: ServerResponse, response: SandboxResponse, extra: Record<string, string>): void {
  const body = response.body ?? '';
  const headers: Record<string, string> = { ...extra, ...response.headers };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  res.writeHead(response.status, headers);
  res.end(response.body === undefined ? undefined : body);
}

/** Start a sandbox on loopback. */
export async function startSandbox(opts: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const state = new SandboxState(
    opts.defaultAccountId === undefined ? {} : { defaultAccountId: opts.defaultAccountId },
  );
  const faults = new FaultController({
    ...(opts.faults ? { rules: opts.faults } : {}),
    ...(opts.faultSeed !== undefined ? { seed: opts.faultSeed } : {}),
    ...(opts.latencyMs !== undefined ? { latencyMs: opts.latencyMs } : {}),
  });
  const held = new Set<ServerResponse>();
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let baseUrl = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    // Federation sign-in and console pages (for console screenshots); they read their own body.
    if (await handleConsoleRequest(req, res, state, { baseUrl })) return;
    const read = await readBody(req, maxBodyBytes);
    const body = read.ok ? read.body : Buffer.alloc(0);
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      const refusal = adminRefusal(req.headers, url.pathname);
      if (refusal) send(res, refusal, { connection: 'close' });
      else if (!read.ok)
        send(
          res,
          { status: 413, headers: { 'content-type': 'text/plain' }, body: 'request body too large' },
          { connection: 'close' },
        );
      else send(res, handleAdmin(method, url.pathname, body, { faults, state }), {});
      return;
    }
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const call: IncomingCall = {
      method,
      rawPath: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      requestId,
      state,
      auth: authenticate(state, req.headers, url.searchParams),
    };
    const routed = route(call, req);
    const ids = requestIdHeaders(routed.protocol, routed.protocol === 'rest-xml' ? requestId : randomUUID());
    if (!read.ok) {
      // As S3 answers a PutObject over its limit; the connection is closed, the rest unread.
      const tooLarge = new SandboxError(
        'EntityTooLarge',
        `Your proposed upload exceeds the maximum allowed size (${read.size} > ${maxBodyBytes} bytes)`,
        400,
      );
      send(res, routed.renderError(tooLarge), { ...ids, connection: 'close' });
      return;
    }
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    const faultTarget = { service: routed.service, operation: routed.operation, resource: routed.resource };
    const fault = faults.decide(faultTarget);
    if (fault === 'Reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'Timeout') {
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    if (fault !== 'none') {
      send(res, routed.renderError(faultError(fault, routed.protocol)), ids);
      return;
    }
    let response: SandboxResponse;
    try {
      response = await routed.execute();
    } catch (error) {
      if (error instanceof SandboxError) {
        response = routed.renderError(error);
      } else {
        process.stderr.write(`sandbox: ${routed.service}:${routed.operation} failed: ${String(error)}\n`);
        response = routed.renderError(faultError('InternalError', routed.protocol));
      }
    }
    const mutations = response.status < 300 ? faults.mutations(faultTarget) : [];
    if (mutations.length > 0 && response.body !== undefined) {
      const body = mutateBody(response.body.toString(), routed.protocol, mutations);
      const headers = Object.fromEntries(
        Object.entries(response.headers).filter(([h]) => h.toLowerCase() !== 'content-length'),
      );
      response = { ...response, headers, body };
    }
    send(res, response, ids);
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`sandbox: request failed: ${String(error)}\n`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.maxHeadersCount = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1', backlog: 8192 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `http://${host}:${port}`;
  baseUrl = url;
  let closing: Promise<void> | undefined;
  const sandbox: RunningSandbox = {
    url,
    port,
    state,
    faults,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
  if (opts.scenario) {
    try {
      await getScenario(opts.scenario)({ url, state, faults });
    } catch (error) {
      await sandbox.close();
      throw error;
    }
  }
  return sandbox;
}
