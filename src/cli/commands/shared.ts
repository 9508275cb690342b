import { resolve } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { loadConfig, validateConfig } from '../../config/load.ts';
import type { UserConfig } from '../../config/schema.ts';
import { failLevelExitCode } from '../../evaluate/evaluate.ts';
import type { BuiltPack } from '../../pipeline/build-pack.ts';
import { CliError, EXIT } from '../errors.ts';
import { createProgress, silentProgress, type Progress } from '../progress.ts';

/** Load and validate the config file, or fail with exit code 2 naming every problem. */
export async function loadConfigOrExit(
  file: string | undefined,
): Promise<{ config: Config; digest: string }> {
  const load = await loadConfig(file);
  if (!load.ok) {
    throw new CliError(
      `invalid configuration${load.path ? ` in ${load.path}` : ''}`,
      EXIT.usage,
      load.errors,
    );
  }
  return { config: load.config, digest: load.digest };
}

/** Validate an in-memory config (the demo's), or fail with exit code 2. */
export function validateConfigOrExit(input: UserConfig): { config: Config; digest: string } {
  const load = validateConfig(input);
  if (!load.ok) throw new CliError('invalid built-in configuration', EXIT.usage, load.errors);
  return { config: load.config, digest: load.digest };
}

/** Progress on stderr; silent when stdout carries JSON and stderr is not a terminal. */
export function progressFor(json: boolean | undefined): Progress {
  if (json && !process.stderr.isTTY) return silentProgress;
  return createProgress(process.stderr);
}

/** The machine-readable summary printed by `--json`. */
export function jsonSummary(built: BuiltPack, exitCode: number) {
  return {
    pack: resolve(built.written.zipPath),
    sidecar: resolve(built.written.sidecarPath),
    sha256: built.written.sha256,
    bytes: built.written.bytes,
    files: built.written.fileCount,
    exitCode,
    evaluatedAt: built.evaluation.evaluatedAt,
    summary: built.evaluation.summary,
    report: {
      renderer: built.renderer,
      pages: built.pages,
      ...(built.rendererReason ? { reason: built.rendererReason } : {}),
    },
    screenshots: built.screenshots.length,
    captureGaps: built.captureGaps,
  };
}

/** Print the result (path, or JSON) and return the exit code for `--fail-on`. */
export function finish(
  built: BuiltPack,
  opts: { json?: boolean; failOn: 'fail' | 'gap' | 'none' },
  progress: Progress,
): number {
  const code = failLevelExitCode(built.evaluation, opts.failOn);
  progress.done();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(jsonSummary(built, code), null, 2)}\n`);
  } else {
    const s = built.evaluation.summary.byStatus;
    process.stderr.write(
      `findings: ${s.pass} pass, ${s.fail} fail, ${s.excepted} excepted, ${s['insufficient-evidence']} insufficient evidence, ` +
        `${s['not-applicable']} not applicable, ${s.error} error\n`,
    );
    process.stdout.write(`${built.written.zipPath}\n`);
  }
  return code;
}
