import { join } from 'node:path';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Progress } from '../progress/progress.ts';
import type { S3Target } from '../upload/s3-uri.ts';
import { uploadPack, type UploadOutcome } from '../upload/upload-pack.ts';
import { buildPack, type BuiltPack, type PreviousPack } from './build-pack.ts';
import type { Invocation } from '../provenance/provenance.ts';
import { newRunId } from './workdir.ts';
import { stagedRun, type StageContext } from './stages/skeleton.ts';
import type { ConsoleAccess } from '../capture/console.ts';
import type { Config } from '../config/schema.ts';
import type { Snapshot } from '../snapshot/model.ts';
import {
  collectionClients,
  collectStage,
  type CollectionClients,
  type CollectionSettings,
} from './stages/collect.ts';
import { consoleAccess, type SandboxLink } from './stages/console-access.ts';
import { withLateCalls } from './stages/late-calls.ts';
import { makeSigner } from './stages/sign.ts';

export type { SandboxLink } from './stages/console-access.ts';

/** Options of one evidence run. */
export interface RunOptions extends CollectionSettings {
  /** The previous pack, for the report's "changes since the previous pack" section. */
  previous?: PreviousPack | undefined;
  outDir: string;
  /** Accept an output folder the tool did not create (see `prepareOutputDir`). */
  forceOutputDir?: boolean;
  screenshots: boolean;
  /** Set when the endpoint is the bundled sandbox: labels the pack and enables its console. */
  sandbox?: SandboxLink | undefined;
  /** Store the finished pack in S3 (`--upload` / `config.upload`). */
  upload?: PackUpload | undefined;
  /** Who runs it and how (default: this process's operator, command line and code). */
  invocation?: Invocation | undefined;
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
  return collectingRun(opts, {
    collect: async ({ workDir, runId, started, open }) => {
      const clients = open(workDir);
      return { snapshot: await collectStage({ settings: opts, clients, runId, started }), clients };
    },
    build: async (_collected, stage, late) => {
      const built = await buildPack({
        ...stage,
        signer: await makeSigner(opts.config, late),
        build: { kind: 'run' },
        invocation: opts.invocation,
        previous: opts.previous,
      });
      return opts.upload
        ? { ...built, upload: await uploadStage(opts.upload, built, late, opts.progress) }
        : built;
    },
  });
}

/** What the stages after the collection run with: the staging context, the snapshot, console sign-in. */
export interface CollectedStage extends StageContext {
  snapshot: Snapshot;
  config: Config;
  screenshots: boolean;
  console: ConsoleAccess;
}

/** How `run` and `run --shard` collect and what they build from it, in {@link collectingRun}. */
export interface CollectingStages<S extends { snapshot: Snapshot; clients: CollectionClients }, T> {
  /** False: no browser is launched (see `stagedRun`). */
  browserNeeded?: boolean | undefined;
  /** Stage "collect" (and what comes before it); `open` makes collection clients, released at the end. */
  collect(run: {
    workDir: string;
    runId: string;
    started: Date;
    open: (dir: string) => CollectionClients;
  }): Promise<S>;
  /** The stages after it; `late` is the factory of the calls whose records stay out of the pack. */
  build(collected: S, stage: CollectedStage, late: ClientFactory): Promise<T>;
}

/**
 * The frame `run` and `run --shard` share: a new run id, the collection, then the stages after it
 * through the late-call factory ({@link afterCollection}) with console access for the collected
 * accounts; every collection client opened is released, in order, whatever happens.
 */
export function collectingRun<S extends { snapshot: Snapshot; clients: CollectionClients }, T>(
  opts: RunOptions,
  stages: CollectingStages<S, T>,
): Promise<T> {
  const started = new Date();
  const runId = newRunId(started);
  const opened: CollectionClients[] = [];
  return stagedRun({
    outDir: opts.outDir,
    forceOutputDir: opts.forceOutputDir === true,
    runId,
    browserPath: opts.config.browser.executablePath,
    browserNeeded: stages.browserNeeded,
    progress: opts.progress,
    source: (workDir) =>
      stages.collect({
        workDir,
        runId,
        started,
        open: (dir) => {
          const clients = collectionClients(opts, dir);
          opened.push(clients);
          return clients;
        },
      }),
    build: (collected, stage) =>
      afterCollection(opts, collected.clients.factory, stage.workDir, (late) =>
        stages.build(
          collected,
          {
            ...stage,
            snapshot: collected.snapshot,
            config: opts.config,
            screenshots: opts.screenshots,
            console: consoleAccess(late, opts, collected.snapshot),
          },
          late,
        ),
      ),
    release: async () => {
      for (const clients of opened) await releaseCollection(clients);
    },
  });
}

/**
 * The calls after `raw/` is sealed (console federation, signing, upload) through a factory of
 * their own with the collection's credentials, whose records stay outside the pack (also `run --shard`).
 */
export function afterCollection<T>(
  opts: Pick<RunOptions, 'endpointUrl' | 'config'>,
  collection: ClientFactory,
  workDir: string,
  use: (factory: ClientFactory) => Promise<T>,
): Promise<T> {
  return withLateCalls(
    {
      endpointUrl: opts.endpointUrl,
      credentials: collection.credentials,
      maxAttempts: opts.config.collection.maxAttempts,
      recordsDir: join(workDir, 'post-collection'),
    },
    use,
  );
}

/** Close the collection's sink and clients (never throws). */
export async function releaseCollection(clients: CollectionClients | undefined): Promise<void> {
  await clients?.sink.close().catch(() => undefined);
  clients?.factory.destroy();
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
  return withLateCalls({ ...opts, recordsDir: opts.workDir }, (factory) =>
    uploadStage(upload, built, factory, opts.progress),
  );
}
