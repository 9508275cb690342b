import type {
  DeserializeMiddleware,
  InitializeMiddleware,
  MetadataBearer,
  Pluggable,
  ResponseMetadata,
} from '@smithy/types';
import { classifyError, errorMessage, errorName, isThrottleCode } from './classify.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { RecordWriter } from './raw-sink.ts';
import { redact } from './redact.ts';
import type { ServiceName } from './services.ts';

/** Where a client's calls are recorded: one per (account, service, region) client. */
export interface RecorderScope {
  service: ServiceName;
  region: string;
  /** Account the client reads; unknown for the caller's own account before GetCallerIdentity. */
  accountId: string | undefined;
  /** Called on every throttled attempt (inside the SDK's retries). */
  onThrottle?: () => void;
  /** Called on every successful attempt. */
  onSuccess?: () => void;
}

/** Records every call of the clients it is plugged into. */
export interface RequestRecorder {
  /** A client plugin (`client.middlewareStack.use(...)`) recording calls in this scope. */
  plugin(scope: RecorderScope): Pluggable<object, MetadataBearer>;
}

/** Options of {@link createRequestRecorder}. */
export interface RequestRecorderOptions {
  /** Clock for `startedAt` (tests). */
  now?: () => Date;
}

const EVIDENCE = Symbol.for('evidence-pack.evidence');

/**
 * The evidence reference the recorder attached to a command's output or thrown error, if any.
 * This is how call sites learn which raw record backs an outcome without recording anything themselves.
 */
export function evidenceOf(value: unknown): EvidenceRef | undefined {
  if (value && typeof value === 'object') return (value as Record<symbol, EvidenceRef | undefined>)[EVIDENCE];
  return undefined;
}

function attachEvidence(value: unknown, ref: EvidenceRef): void {
  if (value && typeof value === 'object' && Object.isExtensible(value)) {
    Object.defineProperty(value, EVIDENCE, { value: ref, enumerable: false, configurable: true });
  }
}

/** Create a recorder that streams every call to `sink`. */
export function createRequestRecorder(
  sink: RecordWriter,
  opts: RequestRecorderOptions = {},
): RequestRecorder {
  const now = opts.now ?? (() => new Date());
  return {
    plugin(scope) {
      const record: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
        const operation = (context.commandName ?? 'UnknownCommand').replace(/Command$/, '');
        const startedAt = now().toISOString();
        const t0 = performance.now();
        const input = redact(args.input, operation);
        try {
          const result = await next(args);
          const { $metadata, ...rest } = result.output;
          const ref = await sink.write({
            service: scope.service,
            operation,
            region: scope.region,
            accountId: scope.accountId ?? accountFromIdentity(operation, rest) ?? 'unknown',
            input,
            output: redact(rest, operation),
            ...metadataFields($metadata),
            startedAt,
            durationMs: Math.round(performance.now() - t0),
            outcome: 'ok',
          });
          attachEvidence(result.output, ref);
          return result;
        } catch (err) {
          const meta = (err as { $metadata?: ResponseMetadata } | undefined)?.$metadata;
          const ref = await sink.write({
            service: scope.service,
            operation,
            region: scope.region,
            accountId: scope.accountId ?? 'unknown',
            input,
            ...metadataFields(meta),
            httpStatus: meta?.httpStatusCode ?? responseStatus(err),
            startedAt,
            durationMs: Math.round(performance.now() - t0),
            errorName: errorName(err),
            errorMessage: errorMessage(err),
            outcome: classifyError(scope.service, operation, err),
          });
          attachEvidence(err, ref);
          throw err;
        }
      };
      const watchAttempts: DeserializeMiddleware<object, MetadataBearer> = (next) => async (args) => {
        try {
          const result = await next(args);
          scope.onSuccess?.();
          return result;
        } catch (err) {
          if (isThrottleCode(errorName(err)) || responseStatus(err) === 429) scope.onThrottle?.();
          throw err;
        }
      };
      return {
        applyToStack(stack) {
          stack.add(record, {
            step: 'initialize',
            priority: 'high',
            name: 'evidencePackRecorder',
            override: true,
          });
          stack.add(watchAttempts, {
            step: 'deserialize',
            priority: 'high',
            name: 'evidencePackAttemptWatch',
            override: true,
          });
        },
      };
    },
  };
}

function metadataFields(meta: ResponseMetadata | undefined): {
  httpStatus?: number | undefined;
  requestId?: string | undefined;
  extendedRequestId?: string | undefined;
  attempts: number;
} {
  return {
    httpStatus: meta?.httpStatusCode,
    requestId: meta?.requestId,
    extendedRequestId: meta?.extendedRequestId,
    attempts: meta?.attempts ?? 1,
  };
}

function responseStatus(err: unknown): number | undefined {
  const status = (err as { $response?: { statusCode?: unknown } } | undefined)?.$response?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** GetCallerIdentity names the account it answered for; used when the scope does not know it yet. */
function accountFromIdentity(operation: string, output: Record<string, unknown>): string | undefined {
  return operation === 'GetCallerIdentity' && typeof output['Account'] === 'string'
    ? output['Account']
    : undefined;
}
