import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { createClientFactory, type ClientFactory } from '../../aws/client-factory.ts';
import { createRawRecordSink } from '../../aws/raw-sink.ts';
import { createRequestRecorder } from '../../aws/recorder.ts';
import { USER_AGENT } from '../../version.ts';

/** Where the calls after the collection go, and as whom. */
export interface LateCallSettings {
  endpointUrl?: string | undefined;
  profile?: string | undefined;
  /** The collection's credentials, when there was a collection. */
  credentials?: AwsCredentialIdentityProvider | undefined;
  maxAttempts: number;
  /** Receives the records of these calls (never inside a pack's `raw/`). */
  recordsDir: string;
}

/**
 * Run `use` with a client factory for the calls made after `raw/` is sealed — console federation,
 * signing, upload. They are not evidence: their records stay outside the pack. The factory is
 * destroyed whatever happens.
 */
export async function withLateCalls<T>(
  settings: LateCallSettings,
  use: (factory: ClientFactory) => Promise<T>,
): Promise<T> {
  const sink = createRawRecordSink(settings.recordsDir);
  const factory = createClientFactory({
    endpointUrl: settings.endpointUrl,
    credentials: settings.credentials,
    profile: settings.profile,
    maxAttempts: settings.maxAttempts,
    userAgent: USER_AGENT,
    recorder: createRequestRecorder(sink),
  });
  try {
    return await use(factory);
  } finally {
    factory.destroy();
    await sink.close().catch(() => undefined);
  }
}
