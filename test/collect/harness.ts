import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { createClientFactory, type ClientFactory } from '../../src/aws/client-factory.ts';
import { createRawRecordSink, type RawRecordSink } from '../../src/aws/raw-sink.ts';
import type { RecordedCall } from '../../src/aws/recorded-call.ts';
import { createRequestRecorder } from '../../src/aws/recorder.ts';
import { configSchema, type Config, type UserConfig } from '../../src/config/schema.ts';
import type { FaultRule } from '../../src/sandbox/faults.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';

/** The sandbox's default account (long-term keys act as its IAM user). */
export const ACCOUNT = '111122223333';
const CREDS = { accessKeyId: 'AKIAEVIDENCETEST', secretAccessKey: 'sandbox-secret' };

/** A sandbox, a recording factory over it, and plain SDK clients to set state up with. */
export interface Harness {
  sandbox: RunningSandbox;
  workDir: string;
  sink: RawRecordSink;
  factory: ClientFactory;
  /** Set-up clients (not recorded), per region. */
  s3(region?: string): S3Client;
  s3control(region?: string): S3ControlClient;
  kms(region?: string): KMSClient;
  config(region?: string): ConfigServiceClient;
  cloudtrail(region?: string): CloudTrailClient;
  addFault(rule: FaultRule): void;
  /** How many times the sandbox served `service:Operation`. */
  requests(service: string, operation: string): number;
  /** Close the sink and read every record written. */
  records(): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  maxAttempts?: number;
  concurrency?: number;
  /** The factory reads this account (default: learned from GetCallerIdentity is skipped; set to ACCOUNT). */
  accountId?: string | undefined;
}

/** Start a sandbox and a recording factory reading it. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0 });
  const workDir = await mkdtemp(path.join(tmpdir(), 'evidence-collect-'));
  const sink = createRawRecordSink(workDir);
  const factory = createClientFactory({
    endpointUrl: sandbox.url,
    credentials: () => Promise.resolve(CREDS),
    maxAttempts: opts.maxAttempts ?? 2,
    userAgent: 'evidence-pack/test',
    recorder: createRequestRecorder(sink),
    accountId: 'accountId' in opts ? opts.accountId : ACCOUNT,
    concurrency: opts.concurrency ?? 8,
  });
  const writers: { destroy(): void }[] = [];
  const common = (region: string) => ({ region, endpoint: sandbox.url, credentials: CREDS, maxAttempts: 1 });
  function writer<C extends { destroy(): void }>(c: C): C {
    writers.push(c);
    return c;
  }
  return {
    sandbox,
    workDir,
    sink,
    factory,
    s3: (region = 'us-east-1') => writer(new S3Client({ ...common(region), forcePathStyle: true })),
    s3control: (region = 'us-east-1') =>
      writer(
        new S3ControlClient({
          ...common(region),
          endpointProvider: () => ({ url: new URL(sandbox.url) }),
          disableHostPrefix: true,
        }),
      ),
    kms: (region = 'us-east-1') => writer(new KMSClient(common(region))),
    config: (region = 'us-east-1') => writer(new ConfigServiceClient(common(region))),
    cloudtrail: (region = 'us-east-1') => writer(new CloudTrailClient(common(region))),
    addFault: (rule) => sandbox.faults.addRule(rule),
    requests: (service, operation) => sandbox.faults.stats().requests[`${service}:${operation}`] ?? 0,
    async records() {
      await sink.close();
      const all: RecordedCall[] = [];
      for (const f of sink.files()) {
        const text = await readFile(path.join(workDir, f), 'utf8');
        for (const line of text.split('\n')) if (line) all.push(JSON.parse(line) as RecordedCall);
      }
      return all;
    },
    async close() {
      for (const w of writers) w.destroy();
      factory.destroy();
      await sink.close().catch(() => undefined);
      await sandbox.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** A validated config with defaults. */
export function testConfig(overrides: Partial<UserConfig> = {}): Config {
  return configSchema.parse({ organization: 'Test Org', ...overrides });
}
