import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Config } from '../../config/schema.ts';
import { createClientFactory, type CallStats, type ClientFactory } from '../../aws/client-factory.ts';
import { createRawRecordSink, type RawRecordSink } from '../../aws/raw-sink.ts';
import { createRequestRecorder } from '../../aws/recorder.ts';
import { collect } from '../../collect/collect.ts';
import type { Progress } from '../../progress/progress.ts';
import type { Snapshot } from '../../snapshot/model.ts';
import { TOOL_VERSION, USER_AGENT } from '../../version.ts';

/** How the collection reaches AWS (or an AWS-compatible endpoint), as `run` and `run --shard` are told. */
export interface CollectionSettings {
  config: Config;
  endpointUrl?: string | undefined;
  profile?: string | undefined;
  /** Explicit credentials (the demo's); default: the standard chain or `profile`. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  regions?: string[] | undefined;
  /** Set when the endpoint is the bundled sandbox (labels the snapshot). */
  sandbox?: unknown;
  progress: Progress;
  /** Told the collection's calls, retries, backoff and slot use the moment collection ends (bench). */
  onCollected?: ((stats: CallStats) => void) | undefined;
}

/** The collection's raw-record sink and client factory: every call they make is evidence. */
export interface CollectionClients {
  sink: RawRecordSink;
  factory: ClientFactory;
}

/** The raw-record sink (under `dir`) and client factory of a collection. */
export function collectionClients(settings: CollectionSettings, dir: string): CollectionClients {
  const { config, progress } = settings;
  const sink = createRawRecordSink(dir);
  const factory = createClientFactory({
    endpointUrl: settings.endpointUrl,
    profile: settings.profile,
    credentials:
      typeof settings.credentials === 'object'
        ? async () => settings.credentials as AwsCredentialIdentity
        : settings.credentials,
    maxAttempts: config.collection.maxAttempts,
    userAgent: USER_AGENT,
    recorder: createRequestRecorder(sink),
    concurrency: config.collection.concurrency,
    requestTimeoutMs: config.collection.requestTimeoutMs,
    notice: (line) => progress.log(line),
  });
  return { sink, factory };
}

/** What the collect stage needs. */
export interface CollectInput {
  settings: CollectionSettings;
  clients: CollectionClients;
  runId: string;
  started: Date;
  /** Collect only these accounts (a shard's share of the plan); default: the whole population. */
  only?: ReadonlySet<string> | undefined;
}

/** Stage "collect": read every account (or only `only`) and region in scope, then seal `raw/`. */
export async function collectStage(input: CollectInput): Promise<Snapshot> {
  const { settings, clients } = input;
  const { progress } = settings;
  const snapshot = await collect({
    config: settings.config,
    factory: clients.factory,
    sink: clients.sink,
    regions: settings.regions,
    toolVersion: TOOL_VERSION,
    runId: input.runId,
    endpoint: clients.factory.endpointUrl,
    sandbox: Boolean(settings.sandbox),
    only: input.only,
    onProgress: (e) =>
      progress.update({
        stage: `collect ${e.stage}`,
        done: e.done,
        total: e.total,
        message: `(account ${e.accountId})`,
      }),
  });
  settings.onCollected?.(clients.factory.stats());
  await clients.sink.close();
  const buckets = snapshot.accounts.reduce((n, a) => n + a.buckets.length, 0);
  const seconds = (Date.parse(snapshot.collection.finishedAt) - input.started.getTime()) / 1000;
  progress.log(
    `collected ${snapshot.accounts.length} account(s), ${buckets} bucket(s) in ${Math.round(seconds * 10) / 10}s`,
  );
  return snapshot;
}
