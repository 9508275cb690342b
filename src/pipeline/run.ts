import { join } from 'node:path';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { GetFederationTokenCommand } from '@aws-sdk/client-sts';
import type { ConsoleAccess } from '../capture/console.ts';
import { organizationDiscovery, type Config } from '../config/schema.ts';
import { createClientFactory, type CallStats, type ClientFactory } from '../aws/client-factory.ts';
import { createRawRecordSink, type RawRecordSink } from '../aws/raw-sink.ts';
import { createRequestRecorder } from '../aws/recorder.ts';
import { collect } from '../collect/collect.ts';
import { kmsSigner, ed25519SignerFromFile, type Signer } from '../pack/sign.ts';
import type { Progress } from '../progress/progress.ts';
import { TOOL_VERSION, USER_AGENT } from '../version.ts';
import type { S3Target } from '../upload/s3-uri.ts';
import { uploadPack, type UploadOutcome } from '../upload/upload-pack.ts';
import { buildPack, type BuiltPack, type PreviousPack } from './build-pack.ts';
import { currentInvocation, type Invocation } from '../provenance/provenance.ts';
import { newRunId } from './workdir.ts';
import { stagedRun } from './stages/skeleton.ts';
import type { Snapshot } from '../snapshot/model.ts';

/** Options of one evidence run. */
export interface RunOptions {
  config: Config;
  /** The previous pack, for the report's "changes since the previous pack" section. */
  previous?: PreviousPack | undefined;
  outDir: string;
  /** Accept an output folder the tool did not create (see `prepareOutputDir`). */
  forceOutputDir?: boolean;
  endpointUrl?: string | undefined;
  profile?: string | undefined;
  /** Explicit credentials (the demo's); default: the standard chain or `profile`. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  regions?: string[] | undefined;
  screenshots: boolean;
  /** Set when the endpoint is the bundled sandbox: labels the pack and enables its console. */
  sandbox?: SandboxLink | undefined;
  /** Store the finished pack in S3 (`--upload` / `config.upload`). */
  upload?: PackUpload | undefined;
  /** Who runs it and how (default: this process's operator, command line and code). */
  invocation?: Invocation | undefined;
  progress: Progress;
  /** Told the collection's calls, retries, backoff and slot use the moment collection ends (bench). */
  onCollected?: ((stats: CallStats) => void) | undefined;
}

/** Where and how the finished pack is uploaded. */
export interface PackUpload {
  target: S3Target;
  kmsKeyId?: string | undefined;
  retentionDays?: number | undefined;
}

/** The pack written, and the upload's outcome when one was asked for. */
export type RunResult = BuiltPack & { upload?: UploadOutcome | undefined };

/**
 * The whole pipeline against AWS (or an AWS-compatible endpoint): collect → evaluate → capture →
 * render → pack → upload (when asked). The staging directory is removed whatever happens; the pack
 * is written atomically. A failed upload is returned in `upload`, with the local pack in place.
 */
export async function runEvidencePack(opts: RunOptions): Promise<RunResult> {
  const { config, progress } = opts;
  const started = new Date();
  const runId = newRunId(started);
  let collection: { sink: RawRecordSink; factory: ClientFactory } | undefined;
  return stagedRun({
    outDir: opts.outDir,
    forceOutputDir: opts.forceOutputDir === true,
    runId,
    browserPath: config.browser.executablePath,
    progress,
    source: async (workDir) => {
      const clients = collectionClients(opts, workDir);
      collection = clients;
      return { snapshot: await collectStage(opts, clients, runId, started), factory: clients.factory };
    },
    build: async ({ snapshot, factory }, workDir, browser) => {
      // Calls after raw/ is sealed (console federation, signing) are not evidence: they go through a
      // factory of their own whose records stay outside the pack.
      const lateSink = createRawRecordSink(join(workDir, 'post-collection'));
      const lateFactory = createClientFactory({
        endpointUrl: opts.endpointUrl,
        credentials: factory.credentials,
        maxAttempts: config.collection.maxAttempts,
        userAgent: USER_AGENT,
        recorder: createRequestRecorder(lateSink),
      });
      try {
        const built = await buildPack({
          snapshot,
          workDir,
          config,
          outDir: opts.outDir,
          browser,
          screenshots: opts.screenshots,
          console: consoleAccess(lateFactory, opts, snapshot),
          signer: await makeSigner(config, lateFactory),
          build: { kind: 'run' },
          invocation: opts.invocation ?? currentInvocation(),
          previous: opts.previous,
          toolVersion: TOOL_VERSION,
          progress,
        });
        return opts.upload
          ? { ...built, upload: await uploadStage(opts.upload, built, lateFactory, progress) }
          : built;
      } finally {
        lateFactory.destroy();
        await lateSink.close().catch(() => undefined);
      }
    },
    release: async () => {
      await collection?.sink.close().catch(() => undefined);
      collection?.factory.destroy();
    },
  });
}

/** The raw-record sink and client factory of the collection: every call they make is evidence (also used by `run --shard`). */
export function collectionClients(
  opts: RunOptions,
  workDir: string,
): { sink: RawRecordSink; factory: ClientFactory } {
  const { config, progress } = opts;
  const sink = createRawRecordSink(workDir);
  const factory = createClientFactory({
    endpointUrl: opts.endpointUrl,
    profile: opts.profile,
    credentials:
      typeof opts.credentials === 'object'
        ? async () => opts.credentials as AwsCredentialIdentity
        : opts.credentials,
    maxAttempts: config.collection.maxAttempts,
    userAgent: USER_AGENT,
    recorder: createRequestRecorder(sink),
    concurrency: config.collection.concurrency,
    globalConcurrency: config.collection.globalConcurrency,
    requestTimeoutMs: config.collection.requestTimeoutMs,
    notice: (line) => progress.log(line),
  });
  return { sink, factory };
}

/** Stage "collect": read every account and region in scope, then seal `raw/`. */
async function collectStage(
  opts: RunOptions,
  clients: { sink: RawRecordSink; factory: ClientFactory },
  runId: string,
  started: Date,
): Promise<Snapshot> {
  const { progress } = opts;
  const snapshot = await collect({
    config: opts.config,
    factory: clients.factory,
    sink: clients.sink,
    regions: opts.regions,
    toolVersion: TOOL_VERSION,
    runId,
    endpoint: clients.factory.endpointUrl,
    sandbox: Boolean(opts.sandbox),
    onProgress: (e) =>
      progress.update({
        stage: `collect ${e.stage}`,
        done: e.done,
        total: e.total,
        message: `(account ${e.accountId})`,
      }),
  });
  opts.onCollected?.(clients.factory.stats());
  await clients.sink.close();
  progress.log(
    `collected ${snapshot.accounts.length} account(s), ` +
      `${snapshot.accounts.reduce((n, a) => n + a.buckets.length, 0)} bucket(s) ` +
      `in ${Math.round((Date.parse(snapshot.collection.finishedAt) - started.getTime()) / 100) / 10}s`,
  );
  return snapshot;
}

/** Stage "upload" (after pack): store the sidecar and the ZIP in the evidence bucket (also after `merge`). */
export async function uploadStage(
  upload: PackUpload,
  built: BuiltPack,
  factory: ClientFactory,
  progress: Progress,
): Promise<UploadOutcome> {
  progress.update({ stage: 'upload', message: `s3://${upload.target.bucket}/${upload.target.prefix}` });
  return uploadPack({
    factory,
    target: upload.target,
    zipPath: built.written.zipPath,
    sidecarPath: built.written.sidecarPath,
    sha256: built.written.sha256,
    kmsKeyId: upload.kmsKeyId,
    retentionDays: upload.retentionDays,
  });
}

/** The signer from `config.sign`, if any. */
export async function makeSigner(
  config: Config,
  factory: ClientFactory | undefined,
): Promise<Signer | undefined> {
  if (!config.sign) return undefined;
  if (config.sign.privateKeyFile) return ed25519SignerFromFile(config.sign.privateKeyFile);
  if (config.sign.kmsKeyId) {
    if (!factory) throw new Error('signing with a KMS key needs AWS access (sign.kmsKeyId)');
    const region = regionOfKey(config.sign.kmsKeyId) ?? config.sign.region ?? 'us-east-1';
    return kmsSigner(factory.kms(region), config.sign.kmsKeyId);
  }
  return undefined;
}

function regionOfKey(keyId: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1];
}

/**
 * The bundled sandbox, as the pipeline sees it: where it listens and how its console serves a real
 * console URL. Built by the composition root (`sandbox/console/urls.ts` `sandboxLink`, handed over by
 * the `demo` and `bench` commands and `cli/sandbox-link.ts`), so the pipeline never imports
 * the sandbox.
 */
export interface SandboxLink {
  url: string;
  consoleUrlFor(realUrl: string): string;
}

/** Console access for the run's caller account: temporary credentials, or a federation token. */
function consoleAccess(factory: ClientFactory, opts: RunOptions, snapshot: Snapshot): ConsoleAccess {
  const sandbox = opts.sandbox;
  const callerAccount = snapshot.caller.accountId;
  const discovery = organizationDiscovery(opts.config);
  // The roles the collection read each account through: from the config, or the organization role.
  const roles = new Map([
    ...snapshot.accounts.flatMap((a) =>
      a.source.kind === 'role' && discovery
        ? [[a.accountId, { roleArn: a.source.roleArn, externalId: discovery.externalId }] as const]
        : [],
    ),
    ...opts.config.accounts.flatMap((a) => {
      const id = a.roleArn ? /:iam::(\d{12}):/.exec(a.roleArn)?.[1] : undefined;
      return id && a.roleArn ? [[id, { roleArn: a.roleArn, externalId: a.externalId }] as const] : [];
    }),
  ]);
  const only = (accountId: string) => {
    if (accountId !== callerAccount) {
      throw new Error(`console sign-in to ${accountId} needs a role in the config (accounts[].roleArn)`);
    }
  };
  const creds = async (accountId: string) => {
    const role = roles.get(accountId);
    const provider = role
      ? factory.assumeRoleCredentials(accountId, role)
      : (only(accountId), factory.credentials);
    const c = await provider();
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  };
  return {
    signinBase: sandbox?.url ?? 'https://signin.aws.amazon.com',
    urlFor: (url) => (sandbox ? sandbox.consoleUrlFor(url) : url),
    credentials: creds,
    getFederationToken: async (accountId: string) => {
      only(accountId);
      const out = await factory.sts('us-east-1').send(
        new GetFederationTokenCommand({
          Name: 'evidence-pack',
          DurationSeconds: 900,
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: [
                  's3:Get*',
                  's3:List*',
                  'kms:Describe*',
                  'kms:Get*',
                  'kms:List*',
                  'config:Describe*',
                  'config:Get*',
                  'cloudtrail:Describe*',
                  'cloudtrail:Get*',
                ],
                Resource: '*',
              },
            ],
          }),
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
        throw new Error('GetFederationToken returned no credentials');
      // The federated user is who signs in to the console: the stamp names it as the identity.
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        arn: out.FederatedUser?.Arn,
      };
    },
    sandbox: Boolean(sandbox),
    settleSelector: opts.config.capture.settleSelector,
  };
}

/**
 * Upload a pack built without a collection (`merge`): the calls go through a factory whose records
 * are kept out of the pack, as after a run.
 */
export async function uploadBuilt(
  built: BuiltPack,
  upload: PackUpload,
  opts: {
    endpointUrl?: string | undefined;
    profile?: string | undefined;
    maxAttempts: number;
    workDir: string;
    progress: Progress;
  },
): Promise<UploadOutcome> {
  const sink = createRawRecordSink(opts.workDir);
  const factory = createClientFactory({
    endpointUrl: opts.endpointUrl,
    profile: opts.profile,
    maxAttempts: opts.maxAttempts,
    userAgent: USER_AGENT,
    recorder: createRequestRecorder(sink),
  });
  try {
    return await uploadStage(upload, built, factory, opts.progress);
  } finally {
    factory.destroy();
    await sink.close().catch(() => undefined);
  }
}
