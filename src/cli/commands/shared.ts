import { sha256File } from '../../pack/pack-paths.ts';
import { loadPackForDiff } from '../../diff/load-pack.ts';
import type { PreviousPack } from '../../pipeline/build-pack.ts';
import { basename, resolve } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { loadConfig, validateConfig } from '../../config/load.ts';
import type { UserConfig } from '../../config/schema.ts';
import { failLevelExitCode } from '../../evaluate/evaluate.ts';
import { summaryLine } from '../../evaluate/summary.ts';
import type { BuiltPack } from '../../pipeline/build-pack.ts';
import type { PackUpload, RunResult } from '../../pipeline/run.ts';
import { parseS3Uri, type S3Target } from '../../upload/s3-uri.ts';
import { describeUpload, describeUploadFailure } from '../../upload/upload-pack.ts';
import { CliError, EXIT, usageError } from '../errors.ts';
import { resolveBrowser } from '../../browser/resolve.ts';
import { CallerUnreadableError, OrganizationNotInUseError } from '../../collect/collect.ts';
import { explainFailure, type FailureContext } from '../../aws/explain.ts';
import { silentProgress, type Progress } from '../../progress/progress.ts';
import { createProgress } from '../progress.ts';

/**
 * The caller could not be read: say why in words and what to do, exit 3 (2 for a profile that does
 * not exist, a usage error). Anything else is passed on to the CLI's error boundary.
 */
export function explainRunFailure(err: unknown, ctx: FailureContext): never {
  if (err instanceof CallerUnreadableError) {
    const e = explainFailure(err.errorCode, err.detail, {
      ...ctx,
      endpointUrl: err.endpointUrl,
      region: err.region,
    });
    throw new CliError(
      `cannot read AWS as the caller (GetCallerIdentity in ${err.region}): ${e.cause}`,
      e.kind === 'unknown-profile' ? EXIT.usage : EXIT.failed,
      e.hints,
    );
  }
  if (err instanceof OrganizationNotInUseError) {
    throw new CliError(`organization discovery: ${err.message}`, EXIT.usage, [
      'run from the management account or a delegated administrator of the organization,',
      'or give `organization` as a plain name (and list accounts in `accounts`) to read accounts by role',
      'nothing was written',
    ]);
  }
  throw err;
}

/**
 * A browser named in the config or in EVIDENCE_PACK_BROWSER must exist: a wrong path is a usage
 * error (exit 2) found before any work, not a silent fall back to the plain PDF. A browser that is
 * merely not found by the search still degrades to the plain layout, with a notice.
 */
export function checkConfiguredBrowser(config: Config): void {
  const found = resolveBrowser({ configured: config.browser.executablePath });
  if (!found.found && found.explicit) {
    throw usageError(found.advice, [
      `fix the path, or remove the setting to let the tool search for Chromium/Chrome itself`,
      `nothing was written`,
    ]);
  }
}

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

/** Progress on stderr; with `--json` on a pipe only the lines that matter (warnings, totals) are kept. */
export function progressFor(json: boolean | undefined): Progress {
  const progress = createProgress(process.stderr);
  // With --json on a pipe, stage chatter is dropped but lines that matter (no browser, gaps) stay.
  if (json && !process.stderr.isTTY) return { ...silentProgress, log: progress.log };
  return progress;
}

/** The upload asked for: `--upload` wins over `config.upload.uri`; key and retention from the config. */
export function uploadFor(flag: S3Target | undefined, config: Config): PackUpload | undefined {
  let target = flag;
  if (!target && config.upload) {
    const parsed = parseS3Uri(config.upload.uri);
    if (!parsed.ok) throw usageError(`invalid upload.uri in the configuration: ${parsed.reason}`);
    target = parsed.target;
  }
  if (!target) return undefined;
  return { target, kmsKeyId: config.upload?.kmsKeyId, retentionDays: config.upload?.retentionDays };
}

/** The machine-readable summary printed by `--json`. */
export function jsonSummary(built: BuiltPack & Pick<RunResult, 'upload'>, exitCode: number) {
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
    ...(built.upload
      ? {
          upload: built.upload.ok
            ? { ok: true, ...built.upload.result }
            : { ok: false, ...built.upload.failure, detail: describeUploadFailure(built.upload.failure) },
        }
      : {}),
  };
}

/**
 * Print the result (path, or JSON) and return the exit code: 3 when the upload failed (the local
 * pack is written and intact), else the `--fail-on` code.
 */
export function finish(
  built: BuiltPack & Pick<RunResult, 'upload'>,
  opts: { json?: boolean; failOn: 'fail' | 'gap' | 'none' },
  progress: Progress,
): number {
  const uploadFailed = built.upload !== undefined && !built.upload.ok;
  const code = uploadFailed ? EXIT.failed : failLevelExitCode(built.evaluation, opts.failOn);
  progress.done();
  if (built.upload?.ok) {
    for (const line of describeUpload(built.upload.result)) process.stderr.write(`${line}\n`);
  } else if (built.upload) {
    process.stderr.write(
      `evidence-pack: ${describeUploadFailure(built.upload.failure)}\n` +
        `  - the local pack is written and intact: ${built.written.zipPath}\n` +
        `  - fix the cause and run again, or copy the ZIP and its .sha256 to the bucket yourself\n`,
    );
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(jsonSummary(built, code), null, 2)}\n`);
  } else {
    process.stderr.write(`findings: ${summaryLine(built.evaluation.summary)}\n`);
    process.stdout.write(`${built.written.zipPath}\n`);
  }
  return code;
}

/** Read the `--previous` pack (snapshot and findings); a bad file is a usage error (exit 2). */
export async function readPrevious(zip: string): Promise<PreviousPack> {
  const loaded = await loadPackForDiff(zip);
  if (!loaded.ok) throw usageError(`--previous ${zip} cannot be used: ${loaded.problem}`);
  return { name: basename(zip), sha256: await sha256File(zip), contents: loaded.pack };
}
