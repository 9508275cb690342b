import { forTerminal } from '../text/safe-text.ts';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CliError, EXIT } from './errors.ts';
import { regionProblem } from '../config/regions.ts';
import { TOOL_VERSION } from '../version.ts';
import { parseS3Uri, type S3Target } from '../upload/s3-uri.ts';

/**
 * The CLI: commands are declared here and their implementations loaded lazily, so `--help` and
 * `verify` stay fast. `main()` is the one error boundary: every failure becomes a message and an
 * exit code (2 usage/config, 3 pack not produced); a stack trace is shown only with DEBUG set.
 */

function parseRegions(value: string): string[] {
  const regions = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of regions) {
    const problem = regionProblem(r);
    if (problem) throw new InvalidArgumentError(problem);
  }
  return regions;
}

function parseShard(value: string): { index: number; total: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || total > 256 || index < 1 || index > total)
    throw new InvalidArgumentError('expected i/n with 1 <= i <= n <= 256, e.g. 2/4');
  return { index, total };
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

function parseNonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a non-negative number');
  return n;
}

function parseUpload(value: string): S3Target {
  const parsed = parseS3Uri(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.reason);
  return parsed.target;
}

const upload = (where: string) =>
  new Option(
    '--upload <s3-uri>',
    `after writing the pack, store the ZIP and its .sha256 at s3://bucket/prefix with SSE-KMS and, ` +
      `when the bucket has Object Lock, upload.retentionDays of retention (default: upload.uri from the config)${where}`,
  ).argParser(parseUpload);

const failOn = () =>
  new Option(
    '--fail-on <level>',
    'exit 1 when findings reach this level: fail (fail/error), gap (also insufficient evidence), none',
  )
    .choices(['fail', 'gap', 'none'])
    .default('fail');

/** Build the command tree. Exported for tests. */
export function buildProgram(): Command {
  const program = new Command();
  // Set before the subcommands are added so they inherit it: parse errors reach main()'s boundary.
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .name('evidence-pack')
    .description(
      'SOC 2 evidence pack for Amazon S3 encryption and public-access controls (CC6.6, CC7.2). ' +
        'Reads your AWS accounts (read-only), evaluates the checks, captures screenshots, renders a ' +
        'PDF report and writes one hashed, verifiable ZIP for the auditor.',
    )
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ evidence-pack init                          # write evidence.config.ts and the IAM policy
  $ evidence-pack demo                          # try it: in-process sandbox, real pack under output/
  $ evidence-pack run --profile audit           # the quarterly run against AWS
  $ evidence-pack verify output/evidence-pack_acme-corp_20261126T120000Z.zip

Exit codes: 0 pack written, nothing at the --fail-on level; 1 pack written with findings at that
level (verify: pack does not verify); 2 usage or config error, nothing written; 3 pack not produced
(or written locally but its --upload failed).`,
    );

  program
    .command('init')
    .description('write a commented evidence.config.ts and the least-privilege IAM policy (never overwrites)')
    .option('--dir <folder>', 'where to write them', '.')
    .option('--organization <name>', 'organization shown on the report cover (asked on a terminal otherwise)')
    .action(async (opts) => {
      const { initCommand } = await import('./commands/init.ts');
      process.exitCode = await initCommand(opts);
    });

  program
    .command('run')
    .description('collect from AWS, evaluate, capture, render and write the evidence pack')
    .option('-c, --config <file>', 'config file', 'evidence.config.ts')
    .option(
      '-o, --out <dir>',
      'output directory for the pack (default: output.dir from the config, else output/)',
    )
    .option(
      '--regions <list>',
      'comma-separated regions in scope (default: every region with buckets)',
      parseRegions,
    )
    .option('--profile <name>', 'named AWS profile for the caller account')
    .option(
      '--organization-role <name>',
      'discover every account of the AWS Organization (run from the management account or a delegated administrator) and read each through this role (config organization.roleName)',
    )
    .option('--endpoint-url <url>', 'AWS-compatible endpoint (sandbox, LocalStack); also AWS_ENDPOINT_URL')
    .option('--no-screenshots', 'skip screenshots (console and API views)')
    .option('--previous <zip>', 'previous pack: adds a "changes since the previous pack" section')
    .option(
      '--force-output-dir',
      'write into an output folder that is not empty and was not created by evidence-pack',
    )
    .addOption(upload(''))
    .option(
      '--shard <i/n>',
      'collect only shard i of n of the account population and write a shard pack (combine them with merge)',
      parseShard,
    )
    .option('--json', 'print a machine-readable summary on stdout')
    .addOption(failOn())
    .addHelpText(
      'after',
      `
Credentials come from the standard AWS chain (env, profile, SSO, instance role) or --profile.
Every call is read-only and identified as evidence-pack/<version> in the User-Agent.

Sharded runs (one pack from many machines, e.g. a CI matrix):
  evidence-pack run --shard 1/4 -o shards/   # on each of 4 runners, i = 1..4
  evidence-pack merge shards/*.zip -o out/   # once, after all shards
Every shard computes the same plan: the accounts in scope (accounts[] and the caller), each
listed once (ListBuckets) and dealt to the shard with the fewest buckets so far. A shard
collects only its accounts, takes their console screenshots (where its credentials are; it
needs Chromium unless --no-screenshots or capture.mode is api-view or none) and writes a
shard pack (raw records, its part of the snapshot, the screenshots, the plan, the config;
signed when signing is configured). Evaluation, API views and the report happen in merge,
which carries the console screenshots over as one run's capture plan picks them.
--previous and --upload belong on merge, not on a shard.`,
    )
    .action(async (opts) => {
      const { runCommand } = await import('./commands/run.ts');
      process.exitCode = await runCommand(opts);
    });

  program
    .command('demo')
    .description('run the whole pipeline against the built-in sandbox (no AWS needed)')
    .option('-c, --config <file>', 'config file (default: the demo config)')
    .option('-o, --out <dir>', 'output directory', 'output')
    .option('--scenario <name>', 'sandbox scenario', 'demo')
    .option('-p, --port <port>', 'port of the in-process sandbox (0 = any free port)', parsePort, 0)
    .option('--no-screenshots', 'skip screenshots')
    .option('--previous <zip>', 'previous pack: adds a "changes since the previous pack" section')
    .option(
      '--force-output-dir',
      'write into an output folder that is not empty and was not created by evidence-pack',
    )
    .addOption(upload('; the bucket must exist in the demo sandbox'))
    .option('--json', 'print a machine-readable summary on stdout')
    .addOption(failOn().default('none'))
    .addHelpText(
      'after',
      `
--fail-on defaults to "none" here: the demo estate has failing buckets on purpose, and the demo is
for looking at the pack. run defaults to "fail".`,
    )
    .action(async (opts) => {
      const { demoCommand } = await import('./commands/demo.ts');
      process.exitCode = await demoCommand(opts);
    });

  program
    .command('sandbox')
    .description('serve the local AWS-compatible sandbox until stopped (Ctrl-C)')
    .option('-p, --port <port>', 'port (0 = any free port)', parsePort, 4566)
    .option('--host <host>', 'address to listen on (loopback only by default)', '127.0.0.1')
    .option('--scenario <name>', 'initial state: empty, demo, or generated', 'empty')
    .option('--latency <ms>', 'added latency per request, in milliseconds', parseNonNegative, 0)
    .option('--buckets <n>', 'bucket count for --scenario generated', parseNonNegative, 1000)
    .option('--regions <n>', 'region count for --scenario generated', parseNonNegative, 4)
    .option(
      '--accounts <n>',
      'with --scenario generated: an AWS Organization of N member accounts (role OrganizationAccountAccessRole) sharing the buckets evenly',
      parseNonNegative,
    )
    .option('--faults <file>', 'JSON file with fault rules (see README "Fault injection")')
    .option(
      '--max-body-bytes <n>',
      'largest request body accepted; larger ones get EntityTooLarge (default 268435456 = 256 MiB)',
      parseNonNegative,
    )
    .action(async (opts) => {
      const { sandboxCommand } = await import('./commands/sandbox.ts');
      process.exitCode = await sandboxCommand(opts);
    });

  program
    .command('verify')
    .description('check a pack: every file against manifest.json and SHA256SUMS, the sidecar, the signature')
    .argument('<zip>', 'the pack to verify')
    .option('--public-key <pem>', 'trusted public key (PEM) the signature must verify against')
    .option('--kms-key-id <id>', 'trusted KMS key that must have signed the pack (calls KMS Verify)')
    .option('--endpoint-url <url>', 'endpoint for --kms-key-id (sandbox)')
    .option(
      '--require-signature',
      'fail (exit 1) unless the pack is signed and the signature verifies under a trusted key',
    )
    .option('--json', 'print the report as JSON')
    .action(async (zip: string, opts) => {
      const { verifyCommand } = await import('./commands/verify.ts');
      process.exitCode = await verifyCommand(zip, opts);
    });

  program
    .command('pack')
    .description('rebuild a pack from a saved snapshot or pack, without calling AWS')
    .requiredOption('--from <zip-or-snapshot>', 'a pack (.zip, which must verify) or its snapshot.json')
    .option(
      '-c, --config <file>',
      'config file (default: the config saved in the source pack, with signing key, logo, templates and browser from ./evidence.config.ts if present, never from the pack)',
    )
    .option('-o, --out <dir>', 'output directory', 'output')
    .option(
      '--force-output-dir',
      'write into an output folder that is not empty and was not created by evidence-pack',
    )
    .option('--no-screenshots', 'skip API-view screenshots')
    .option('--json', 'print a machine-readable summary on stdout')
    .addOption(failOn())
    .action(async (opts) => {
      const { packCommand } = await import('./commands/pack.ts');
      process.exitCode = await packCommand(opts);
    });

  program
    .command('merge')
    .description('verify the shard packs of one run --shard plan and write the one final pack')
    .argument('<shard-packs...>', 'every shard pack of the plan (shards 1..n, each once)')
    .option(
      '-c, --config <file>',
      'local config for the signing key, logo, templates and browser (default: ./evidence.config.ts if present); the rest comes from the shards',
    )
    .option('-o, --out <dir>', 'output directory', 'output')
    .option(
      '--shard-key <public.pem>',
      'trusted public key the shard packs must be signed with (required when signing is configured)',
    )
    .option(
      '--force-output-dir',
      'write into an output folder that is not empty and was not created by evidence-pack',
    )
    .option('--no-screenshots', "skip screenshots (API views, and carrying the shards' console screenshots)")
    .addOption(upload(''))
    .option('--profile <name>', 'named AWS profile for the upload')
    .option('--endpoint-url <url>', 'AWS-compatible endpoint for the upload; also AWS_ENDPOINT_URL')
    .option('--json', 'print a machine-readable summary on stdout')
    .addOption(failOn())
    .addHelpText(
      'after',
      `
Each shard pack is verified (hashes, and the signature against --shard-key); then merge checks
they share one plan id and config digest, that every shard 1..n is given exactly once and that
every account of the plan is in exactly one shard. Any problem: exit 2, naming the shard (and
the altered file), nothing written. The final pack is evaluated, captured (API views here,
console screenshots carried from the shards) and rendered as a one-machine run would be; its
manifest lists each shard pack's SHA-256.

Example:
  evidence-pack merge shards/*-shard-*.zip --shard-key signing-public.pem -o out/`,
    )
    .action(async (paths: string[], opts) => {
      const { mergeCommand } = await import('./commands/merge.ts');
      process.exitCode = await mergeCommand(paths, opts);
    });

  program
    .command('diff')
    .description('what changed between two packs: buckets, encryption, policies, public access, results')
    .argument('<old>', 'older pack (.zip)')
    .argument('<new>', 'newer pack (.zip)')
    .option('--json', 'print the changes as JSON')
    .action(async (oldZip: string, newZip: string, opts) => {
      const { diffCommand } = await import('./commands/diff.ts');
      process.exitCode = await diffCommand(oldZip, newZip, opts);
    });

  program
    .command('timeline')
    .description(
      'period evidence from a series of packs: status at every snapshot, gaps, deviations, as a pack',
    )
    .argument('<packs...>', 'pack ZIPs, or folders searched (recursively) for them')
    .option('-o, --out <dir>', 'output directory for the timeline pack', 'output')
    .option(
      '--schedule <duration>',
      'expected interval between packs, e.g. 7d, 12h, 1w (default: the median interval)',
    )
    .option('--json', 'print a machine-readable summary on stdout')
    .addHelpText(
      'after',
      `
Every pack is verified first (as \`evidence-pack verify\` does); one that does not verify refuses the
whole series (exit 1, nothing written). Packs are ordered by collection time. The timeline pack holds:
  report.pdf                   the period report
  timeline/timeline.json       every check's status at every snapshot (schema evidence-pack/timeline@1)
  timeline/status-matrix.csv   the same, one column per snapshot
  timeline/changes.csv         each status change, at the snapshot where it first appears
  timeline/deviations.csv      each failing stretch: first seen, last seen, the snapshot that closed it
  timeline/gaps.csv            intervals longer than the schedule by more than 10%
and its manifest.json lists every source pack's SHA-256 ("sourcePacks"). Verify it like any pack.

Examples:
  $ evidence-pack timeline output/*.zip --schedule 7d
  $ gh run download --pattern 'evidence-pack-*' --dir packs/ && evidence-pack timeline packs/`,
    )
    .action(async (packs: string[], opts) => {
      const { timelineCommand } = await import('./commands/timeline.ts');
      process.exitCode = await timelineCommand(packs, opts);
    });

  program
    .command('remediate')
    .description('print the fix plan of a pack: AWS CLI commands for its failing findings (never runs them)')
    .argument('<zip>', 'the pack (verified first)')
    .addOption(
      new Option(
        '--format <format>',
        'shell: a script to review; json: the same plan, machine-readable; terraform: aws_s3_* resources with import blocks',
      )
        .choices(['shell', 'json', 'terraform'])
        .default('shell'),
    )
    .addHelpText(
      'after',
      `
The plan is read from the pack's snapshot, so commands name the real buckets and keys and keep what
is already configured: PutBucketEncryption carries over BlockedEncryptionTypes, policy statements
are merged into the existing bucket policy. Nothing is sent to AWS. Review, then run:
  $ evidence-pack remediate output/pack.zip > fix.sh && less fix.sh
As Terraform (existing settings imported, so terraform plan shows each change first):
  $ evidence-pack remediate output/pack.zip --format terraform > fix.tf && terraform plan`,
    )
    .action(async (zip: string, opts) => {
      const { remediateCommand } = await import('./commands/remediate.ts');
      process.exitCode = await remediateCommand(zip, opts);
    });

  program
    .command('bench')
    .description(
      'benchmark: sandbox in a separate process with N buckets, latency L; runs collect → evaluate → ' +
        'render → pack and prints calls, time and CPU per stage, the lower bound, peak RSS, pack size',
    )
    .option('--buckets <n>', 'buckets', parseNonNegative, 10_000)
    .option('--regions <n>', 'regions', parseNonNegative, 4)
    .option('--latency <ms>', 'per-request latency', parseNonNegative, 20)
    .option('--concurrency <n>', 'collection concurrency (default: the config default)', parseNonNegative)
    .option(
      '--accounts <n>',
      'an AWS Organization of N member accounts sharing the buckets, collected as an organization run',
      parseNonNegative,
    )
    .option(
      '--global-concurrency <n>',
      'run-wide cap on calls in flight over all accounts (default: 24 per CPU core)',
      parseNonNegative,
    )
    .option(
      '--shards <n>',
      'with --accounts: also run n shards as separate processes (run --shard i/n), then merge',
      parseNonNegative,
    )
    .option('--faults', 'inject 10% throttling, 2% 5xx and 1% connection resets')
    .option(
      '--screenshots',
      'also capture the screenshot sample (a fixed ~90 images whatever N is; off by default)',
    )
    .option(
      '--period',
      'a quarter of AWS Config history and CloudTrail events; collect with an audit period and print the ' +
        'period collection: history and LookupEvents pages, wall/CPU/RSS, its lower bound, period verdicts',
    )
    .option('--json', 'print the figures as JSON')
    .action(async (opts) => {
      const { benchCommand } = await import('./commands/bench.ts');
      process.exitCode = await benchCommand(opts);
    });

  return program;
}

/** Run the CLI: the one error boundary. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit through here with code 0; commander already printed the message.
    if (err.exitCode === 0) return 0;
    return EXIT.usage;
  }
  if (err instanceof CliError) {
    process.stderr.write(`evidence-pack: ${forTerminal(err.message)}\n`);
    for (const line of err.details) process.stderr.write(`  - ${forTerminal(line, { singleLine: true })}\n`);
    return err.exitCode;
  }
  if (err instanceof Error && err.name === 'OutputDirError') {
    process.stderr.write(`evidence-pack: ${forTerminal(err.message)}\n`);
    return EXIT.usage;
  }
  if (err instanceof Error && err.name === 'PackExistsError') {
    process.stderr.write(
      `evidence-pack: ${forTerminal(err.message)}\n  - choose another output directory with --out\n`,
    );
    return EXIT.usage;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`evidence-pack: the pack could not be produced: ${forTerminal(message)}\n`);
  const hint = hintFor(err);
  if (hint) process.stderr.write(`  - ${forTerminal(hint)}\n`);
  if (process.env.DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('  (set DEBUG=1 for the stack trace)\n');
  return EXIT.failed;
}

/** What to do about an unexpected failure, from the Node error code or the AWS error it carries. */
function hintFor(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full: free space where the pack is written (--out), then run again';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'this user may not write there: check the output directory (--out) and its permissions';
    case 'ENOENT':
      return 'a file or folder named in the command or the config does not exist: check the paths';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files: raise the limit (ulimit -n) or lower collection.concurrency';
    default:
      break;
  }
  if ((err as { $metadata?: unknown } | undefined)?.$metadata !== undefined)
    return 'an AWS call failed outside collection (signing, upload, console sign-in): check the permissions in README "Quick start"';
  return undefined;
}
