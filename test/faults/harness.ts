import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentProgress } from '../../src/progress/progress.ts';
import { validateConfig } from '../../src/config/load.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import type { BuiltPack } from '../../src/pipeline/build-pack.ts';
import type { Config } from '../../src/config/schema.ts';
import type { FaultRule } from '../../src/sandbox/faults.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { readPackContents, type PackContents } from '../../src/bench/pack-contents.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';

/** The scenario every fault test runs: 120 generated buckets over 2 regions, fixed seed. */
export const SCENARIO = 'generated:120:2:7';

/** Few attempts keep failing calls quick; the fault mix is still retried through. */
export const MAX_ATTEMPTS = 4;

/** A call that never answers fails each attempt after this long. */
export const REQUEST_TIMEOUT_MS = 1_000;

/** The pipeline's config for fault tests. */
export function faultTestConfig(): { config: Config; digest: string } {
  const load = validateConfig({
    organization: 'Fault tests',
    collection: { maxAttempts: MAX_ATTEMPTS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
  });
  if (!load.ok) throw new Error(load.errors.join('; '));
  return { config: load.config, digest: load.digest };
}

/** Run the whole pipeline (no screenshots) against `endpointUrl`, writing into a fresh temp dir. */
export async function runAgainst(endpointUrl: string, outDir: string): Promise<BuiltPack> {
  const { config } = faultTestConfig();
  return runEvidencePack({
    config,
    outDir,
    endpointUrl,
    credentials: { accessKeyId: 'AKIAFAULTS', secretAccessKey: 'x' },
    screenshots: false,
    sandbox: sandboxLink(endpointUrl),
    progress: silentProgress,
  });
}

/** One pipeline run against an in-process sandbox of {@link SCENARIO} with these fault rules. */
export async function runScenario(
  faults: FaultRule[],
  faultSeed = 1,
): Promise<{ built: BuiltPack; contents: PackContents; faultsInjected: number }> {
  const sandbox = await startSandbox({ scenario: SCENARIO, faults, faultSeed });
  const outDir = await mkdtemp(join(tmpdir(), 'evidence-pack-faults-'));
  try {
    const built = await runAgainst(sandbox.url, outDir);
    const contents = await readPackContents(built.written.zipPath);
    const faultsInjected = Object.values(sandbox.faults.stats().faults).reduce((a, b) => a + b, 0);
    return { built, contents, faultsInjected };
  } finally {
    await sandbox.close();
    await rm(outDir, { recursive: true, force: true });
  }
}
