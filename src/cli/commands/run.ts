import { detectSandboxLink } from '../sandbox-link.ts';
import { runEvidencePack } from '../../pipeline/run.ts';
import type { S3Target } from '../../upload/s3-uri.ts';
import { fromIni } from '@aws-sdk/credential-providers';
import { explainFailure } from '../../aws/explain.ts';
import { errorMessage, errorName } from '../../aws/classify.ts';
import type { Config } from '../../config/schema.ts';
import { usageError } from '../errors.ts';
import {
  checkConfiguredBrowser,
  explainRunFailure,
  finish,
  loadConfigOrExit,
  progressFor,
  readPrevious,
  uploadFor,
} from './shared.ts';

/**
 * `--profile` names a profile that must exist: a typo is a usage error (exit 2), found before any
 * work. Other credential problems (an expired SSO session...) surface at GetCallerIdentity.
 */
async function checkProfile(profile: string): Promise<void> {
  try {
    await fromIni({ profile })();
  } catch (err) {
    const e = explainFailure(errorName(err), errorMessage(err), { profile });
    if (e.kind === 'unknown-profile') throw usageError(`--profile ${profile}: ${e.cause}`, e.hints);
  }
}

/** Options of `evidence-pack run` as parsed by commander. */
export interface RunCommandOptions {
  config: string;
  out?: string;
  regions?: string[];
  profile?: string;
  endpointUrl?: string;
  screenshots: boolean;
  json?: boolean;
  failOn: 'fail' | 'gap' | 'none';
  previous?: string;
  forceOutputDir?: boolean;
  upload?: S3Target;
  /** `--organization-role <name>`: discover the organization's accounts and read each through this role. */
  organizationRole?: string;
  shard?: { index: number; total: number };
}

/**
 * The config with organization discovery through `roleName` (`--organization-role`): the name
 * stays, other discovery settings of the config (OUs, exclusions, external id) are kept.
 */
export function withOrganizationRole(config: Config, roleName: string): Config {
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName))
    throw usageError(`--organization-role ${roleName}: expected an IAM role name such as EvidencePackReader`);
  const current = config.organization;
  return {
    ...config,
    organization:
      typeof current === 'string'
        ? { name: current, roleName, ous: [], excludeAccounts: [] }
        : { ...current, roleName },
  };
}

/** `evidence-pack run`: the quarterly evidence run against AWS. */
export async function runCommand(opts: RunCommandOptions): Promise<number> {
  const loaded = await loadConfigOrExit(opts.config);
  const config = opts.organizationRole
    ? withOrganizationRole(loaded.config, opts.organizationRole)
    : loaded.config;
  checkConfiguredBrowser(config);
  const progress = progressFor(opts.json);
  const previous = opts.previous ? await readPrevious(opts.previous) : undefined;
  const endpointUrl = opts.endpointUrl ?? (process.env.AWS_ENDPOINT_URL || undefined);
  const sandbox = await detectSandboxLink(endpointUrl);
  if (sandbox)
    progress.log(`${endpointUrl} is the evidence-pack sandbox: the pack is labelled as sandbox data`);
  if (opts.profile) await checkProfile(opts.profile);
  if (opts.shard) {
    if (opts.previous || opts.upload)
      throw usageError('--previous and --upload belong on merge, not on a shard (run --shard)');
    const { runShard } = await import('../../pipeline/shard/run-shard.ts');
    const result = await runShard({
      config,
      outDir: opts.out ?? config.output.dir,
      forceOutputDir: opts.forceOutputDir === true,
      endpointUrl,
      sandbox,
      profile: opts.profile,
      regions: opts.regions,
      screenshots: opts.screenshots,
      progress,
      shard: opts.shard,
    }).catch((err: unknown) =>
      explainRunFailure(err, {
        profile: opts.profile,
        attempts: config.collection.maxAttempts,
        requestTimeoutMs: config.collection.requestTimeoutMs,
      }),
    );
    progress.done();
    if (opts.json)
      process.stdout.write(
        `${JSON.stringify({ shard: result.shard, zip: result.written.zipPath, sha256: result.written.sha256, consoleScreenshots: result.consoleScreenshots }, null, 2)}\n`,
      );
    else process.stdout.write(`${result.written.zipPath}\n`);
    return 0;
  }
  const built = await runEvidencePack({
    previous,
    forceOutputDir: opts.forceOutputDir === true,
    config,
    outDir: opts.out ?? config.output.dir,
    endpointUrl,
    sandbox,
    profile: opts.profile,
    regions: opts.regions,
    screenshots: opts.screenshots,
    upload: uploadFor(opts.upload, config),
    progress,
  }).catch((err: unknown) =>
    explainRunFailure(err, {
      profile: opts.profile,
      attempts: config.collection.maxAttempts,
      requestTimeoutMs: config.collection.requestTimeoutMs,
    }),
  );
  return finish(built, opts, progress);
}
