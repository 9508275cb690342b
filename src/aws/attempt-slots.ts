import type {
  FinalizeRequestMiddleware,
  InitializeMiddleware,
  MetadataBearer,
  Pluggable,
  ResponseMetadata,
} from '@smithy/types';
import type { Limiter } from './limiter.ts';

/** Retry figures of a factory's calls, counted as they happen. */
export interface RetryCounters {
  /** Calls sent (each with one or more attempts). */
  calls: number;
  /** Attempts beyond each call's first. */
  retries: number;
  /** Milliseconds the calls waited out the SDK's retry backoff, summed over calls. */
  backoffMs: number;
}

/** A fresh set of {@link RetryCounters}. */
export function newRetryCounters(): RetryCounters {
  return { calls: 0, retries: 0, backoffMs: 0 };
}

/**
 * A client plugin that takes a slot of the account's limiter for each attempt of a call, not for
 * the whole call: the SDK's retry middleware sleeps out its backoff (exponential, with jitter, and
 * its retry quota) outside the slot, and a retry re-acquires a slot before it is signed and sent,
 * ahead of calls not yet sent. The SDK's retry strategy itself is left as it is.
 *
 * It also counts calls, retries and backoff time (the SDK's `$metadata.totalRetryDelay`).
 */
export function attemptSlotsPlugin(
  limiter: Limiter,
  counters: RetryCounters,
): Pluggable<object, MetadataBearer> {
  // Keyed by the arguments the retry middleware passes to every attempt of one call. Not by the
  // context: with `cacheMiddleware` one context serves every call of a command class.
  const attempts = new WeakMap<object, number>();
  const slot: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => (args) => {
    const n = (attempts.get(args) ?? 0) + 1;
    attempts.set(args, n);
    if (n > 1) counters.retries++;
    return limiter.run(() => next(args), { first: n > 1 });
  };
  const count: InitializeMiddleware<object, MetadataBearer> = (next) => async (args) => {
    counters.calls++;
    try {
      const result = await next(args);
      counters.backoffMs += result.output.$metadata.totalRetryDelay ?? 0;
      return result;
    } catch (err) {
      const meta = (err as { $metadata?: ResponseMetadata } | undefined)?.$metadata;
      counters.backoffMs += meta?.totalRetryDelay ?? 0;
      throw err;
    }
  };
  return {
    applyToStack(stack) {
      // Inside the retry loop, before signing: each attempt waits for its slot, then is signed and sent.
      stack.addRelativeTo(slot, {
        relation: 'after',
        toMiddleware: 'retryMiddleware',
        name: 'evidencePackAttemptSlot',
        override: true,
      });
      stack.add(count, {
        step: 'initialize',
        priority: 'low',
        name: 'evidencePackRetryCount',
        override: true,
      });
    },
  };
}
