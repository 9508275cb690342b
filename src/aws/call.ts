import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { classifyError, errorMessage, errorName } from './classify.ts';
import type { ClientFactory } from './client-factory.ts';
import type { Pacer } from './limiter.ts';
import type { Absent, EvidenceRef, Outcome } from '../snapshot/outcome.ts';
import { evidenceOf } from './recorder.ts';
import { ResponseFieldError } from './response-field-error.ts';
import type { ServiceName } from './services.ts';

/** Any SDK v3 command whose output type is `O`. */
export interface SendableCommand<I extends object, O extends MetadataBearer> {
  readonly input: I;
  readonly middlewareStack: MiddlewareStack<I, O>;
}

/** Options of {@link call}. */
export interface CallOptions {
  /** Space calls (rate-limited APIs). */
  pacer?: Pacer | undefined;
  /** Per-attempt timeout of this call, instead of the client's. */
  requestTimeoutMs?: number | undefined;
}

/**
 * Send one command through the factory's client for `service` in `region` (recorded by the
 * middleware, each attempt bounded by the account's limiter), and classify the answer into an {@link Outcome}.
 * `parse` maps the output to the fact; if it throws, the outcome is `error`: `MissingField` /
 * `MalformedField` for a {@link ResponseFieldError} (the message names the field), else `Unparseable`.
 */
export async function call<I extends object, O extends MetadataBearer, T>(
  factory: ClientFactory,
  service: ServiceName,
  region: string,
  command: SendableCommand<I, O>,
  parse: (output: O) => T,
  opts: CallOptions = {},
): Promise<Outcome<T>> {
  const client = factory.client(service, region) as unknown as {
    send(c: unknown, options?: { requestTimeout?: number }): Promise<O>;
  };
  const operation = operationName(command);
  const sendOptions =
    opts.requestTimeoutMs === undefined ? undefined : { requestTimeout: opts.requestTimeoutMs };
  // The factory's clients take a limiter slot per attempt (attempt-slots.ts), not per call.
  const send = () => client.send(command, sendOptions);
  let output: O;
  try {
    output = await (opts.pacer ? opts.pacer.run(send) : send());
  } catch (err) {
    const evidence = evidenceOf(err) ?? unrecorded(service, operation);
    const status = classifyError(service, operation, err);
    const errorCode = errorName(err);
    if (status === 'absent') return { status, errorCode, evidence };
    return { status, errorCode, message: errorMessage(err), evidence };
  }
  const evidence = evidenceOf(output) ?? unrecorded(service, operation);
  try {
    return { status: 'ok', value: parse(output), evidence };
  } catch (err) {
    const errorCode = err instanceof ResponseFieldError ? err.code : 'Unparseable';
    return { status: 'error', errorCode, message: `${operation}: ${errorMessage(err)}`, evidence };
  }
}

/** One page of a paginated answer. */
export interface Page<I> {
  items: I[];
  /** Token of the next page; absent/empty on the last page. */
  next?: string | undefined;
}

/** Options of {@link callPages}. */
export interface CallPagesOptions extends CallOptions {
  /** Stop after this many items (a bounded sample); the result is truncated to it. */
  maxItems?: number | undefined;
}

/**
 * Follow a paginated operation to its end. `ok` holds every item, with the first page's evidence
 * (the later pages follow it in the same raw file). A gap on any page makes the whole list a gap:
 * a partial list must not pass for a complete one.
 */
export async function callPages<In extends object, O extends MetadataBearer, I>(
  factory: ClientFactory,
  service: ServiceName,
  region: string,
  commandFor: (token: string | undefined) => SendableCommand<In, O>,
  page: (output: O) => Page<I>,
  opts: CallPagesOptions = {},
): Promise<Outcome<I[]>> {
  const items: I[] = [];
  const seen = new Set<string>();
  let first: EvidenceRef | undefined;
  let token: string | undefined;
  for (;;) {
    const res = await call(factory, service, region, commandFor(token), page, opts);
    if (res.status !== 'ok') return res;
    first ??= res.evidence;
    items.push(...res.value.items);
    token = res.value.next || undefined;
    if (opts.maxItems !== undefined && items.length >= opts.maxItems) {
      return { status: 'ok', value: items.slice(0, opts.maxItems), evidence: first };
    }
    if (!token) return { status: 'ok', value: items, evidence: first };
    if (seen.has(token)) {
      return {
        status: 'error',
        errorCode: 'PaginationLoop',
        message: `the service returned the same pagination token twice`,
        evidence: res.evidence,
      };
    }
    seen.add(token);
  }
}

/** An `absent` outcome implied by an earlier answer, without a call of its own. */
export function derivedAbsent(reason: string, evidence: EvidenceRef): Absent {
  return { status: 'absent', errorCode: `derived:${reason}`, evidence };
}

function operationName(command: object): string {
  return command.constructor.name.replace(/Command$/, '');
}

function unrecorded(service: string, operation: string): EvidenceRef {
  return { file: '', callId: 'unrecorded', service, operation };
}
