import type { DeserializeMiddleware, MetadataBearer, Pluggable } from '@smithy/types';
import { errorName } from './classify.ts';

/** Options of {@link attemptNoticesPlugin}. */
export interface AttemptNoticeOptions {
  service: string;
  region: string;
  maxAttempts: number;
  /** Where the lines go (the run's progress log). */
  notice: (line: string) => void;
  /** After how long without an answer to say that a call is still waiting (default 5 s). */
  slowAfterMs?: number;
}

/** Why an attempt failed, in words; undefined for answers that are not worth a line (throttling, 4xx). */
function failureWords(err: unknown, elapsedMs: number): string | undefined {
  const code = errorName(err);
  if (code === 'TimeoutError' || code === 'ETIMEDOUT')
    return `no answer after ${Math.round(elapsedMs / 1000)} s`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name does not resolve';
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return `server error ${status} (${code})`;
  return undefined;
}

/**
 * Which call and attempt a request is, from the headers the SDK's retry middleware sets on every
 * attempt: `amz-sdk-invocation-id` (one per call) and `amz-sdk-request: attempt=N; max=M`.
 */
function attemptOf(request: unknown): { invocation: string | undefined; attempt: number } {
  const headers = (request as { headers?: Record<string, string | undefined> } | undefined)?.headers ?? {};
  const attempt = Number(/attempt=(\d+)/.exec(headers['amz-sdk-request'] ?? '')?.[1] ?? 1);
  return { invocation: headers['amz-sdk-invocation-id'], attempt: Number.isFinite(attempt) ? attempt : 1 };
}

/**
 * A client plugin that keeps a struggling call visible: it says when an attempt has had no answer
 * for a few seconds (at most one such line every 10 s across all calls, so a slow estate does not
 * flood the log), and, each time the SDK starts a retry after a network failure, timeout or 5xx,
 * why and which attempt this is: "GetCallerIdentity: no answer after 20 s, retrying (2/8)…".
 * Throttling is left to the limiter and the SDK's backoff: it is routine and would be noise.
 */
export function attemptNoticesPlugin(opts: AttemptNoticeOptions): Pluggable<object, MetadataBearer> {
  const slowAfter = opts.slowAfterMs ?? 5_000;
  // Per call, by the SDK's invocation id (one per call, kept across its attempts). Not by the
  // handler context: with `cacheMiddleware` one context serves every call of a command class.
  const lastFailures = new Map<string, string>();
  let lastSlowNotice = -Infinity;
  const watch: DeserializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const operation = (context.commandName ?? 'call').replace(/Command$/, '');
    const { invocation, attempt } = attemptOf(args.request);
    const lastFailure = invocation === undefined ? undefined : lastFailures.get(invocation);
    const s = { attempt };
    if (attempt > 1 && lastFailure) {
      opts.notice(
        `${operation} (${opts.service} ${opts.region}): ${lastFailure}, retrying (${attempt}/${opts.maxAttempts})…`,
      );
    }
    const t0 = performance.now();
    const timer = setTimeout(() => {
      const now = performance.now();
      if (now - lastSlowNotice < 10_000) return;
      lastSlowNotice = now;
      opts.notice(
        `${operation} (${opts.service} ${opts.region}): no answer yet after ${Math.round(slowAfter / 1000)} s ` +
          `(attempt ${s.attempt}/${opts.maxAttempts}), still waiting`,
      );
    }, slowAfter);
    timer.unref();
    try {
      const result = await next(args);
      if (invocation !== undefined) lastFailures.delete(invocation);
      return result;
    } catch (err) {
      const words = failureWords(err, performance.now() - t0);
      if (invocation !== undefined) {
        if (words !== undefined && attempt < opts.maxAttempts) lastFailures.set(invocation, words);
        else lastFailures.delete(invocation);
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    applyToStack(stack) {
      stack.add(watch, {
        step: 'deserialize',
        priority: 'low',
        name: 'evidencePackAttemptNotices',
        override: true,
      });
    },
  };
}
