import type { CarriedConsole } from '../capture/capture.ts';
import type { Config } from '../config/schema.ts';
import type { Progress } from '../progress/progress.ts';
import type { Invocation } from '../provenance/provenance.ts';
import type { Snapshot } from '../snapshot/model.ts';
import { buildPack, type BuiltPack } from './build-pack.ts';
import { loadStage, type RawRecords } from './stages/load.ts';
import type { BuildKind } from './stages/pack.ts';
import { offlineSigner } from './stages/sign.ts';
import { stagedRun } from './stages/skeleton.ts';

/** What {@link buildOffline} needs: a snapshot already in hand and its raw records. */
export interface OfflineBuildInput {
  snapshot: Snapshot;
  raw: RawRecords;
  config: Config;
  build: Exclude<BuildKind, { kind: 'run' }>;
  /** Said when a configured KMS signing key cannot be used: why this build does not call AWS. */
  noAwsBecause: string;
  outDir: string;
  /** Accept an output folder the tool did not create (see `prepareOutputDir`). */
  forceOutputDir?: boolean | undefined;
  screenshots: boolean;
  /** Console screenshots taken where the credentials were (the shards of a `merge`). */
  carried?: CarriedConsole | undefined;
  captureSeed?: string | undefined;
  invocation?: Invocation | undefined;
  progress: Progress;
}

/**
 * The pipeline without AWS, for `pack --from` and `merge`: load → evaluate → capture (API views, and
 * console screenshots carried in) → render → pack, signed with a key file when one is configured.
 */
export async function buildOffline(input: OfflineBuildInput): Promise<BuiltPack> {
  const { config, signer } = await offlineSigner(input.config, input.progress, input.noAwsBecause);
  return stagedRun({
    outDir: input.outDir,
    forceOutputDir: input.forceOutputDir === true,
    runId: input.snapshot.runId,
    browserPath: config.browser.executablePath,
    progress: input.progress,
    source: async (workDir) => {
      await loadStage(input.raw, workDir);
      return { snapshot: input.snapshot };
    },
    build: ({ snapshot }, stage) =>
      buildPack({
        ...stage,
        snapshot,
        config,
        screenshots: input.screenshots,
        carried: input.carried,
        captureSeed: input.captureSeed,
        signer,
        build: input.build,
        invocation: input.invocation,
      }),
  });
}
