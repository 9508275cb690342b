import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanZip } from '../pack/zip-reader.ts';
import { getStats, resetStats } from './admin-client.ts';
import { benchConfigInput, type BenchShape } from './organization.ts';
import { SANDBOX_CREDENTIALS, startSandboxProcess } from './sandbox-process.ts';

const CLI = fileURLToPath(new URL('../../bin/evidence-pack.js', import.meta.url));

/** The memory flags of the bin's shebang and the npm scripts, so a child measures as a user's run. */
const NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=40'];

/**
 * Prints the child's peak RSS (KiB) on its way out, for the bench to read from its stderr. On Linux
 * it is `VmHWM` of /proc/self/status, the high-water mark of the child's own memory: the child is
 * forked from this process before it execs node, and `getrusage`'s `maxRSS` keeps the largest RSS
 * the process had before the exec, so it would report at least the bench's own RSS (the four
 * shards of the 200-account bench all "peaked" at the bench's 437 MiB). Elsewhere: `maxRSS`.
 */
const RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  'import { readFileSync } from "node:fs";\n' +
    'process.on("exit", () => {\n' +
    '  let kb = process.resourceUsage().maxRSS;\n' +
    '  try {\n' +
    '    const v = parseInt(readFileSync("/proc/self/status", "utf8").split("VmHWM:")[1] ?? "", 10);\n' +
    '    if (v > 0) kb = v;\n' +
    '  } catch {}\n' +
    '  process.stderr.write(`\\nBENCH_MAX_RSS_KB=${kb}\\n`);\n' +
    '});\n',
)}`;

/** Parameters of a sharded benchmark. */
export interface ShardBenchOptions extends BenchShape {
  accounts: number;
  latencyMs: number;
  shards: number;
  /**
   * Console screenshots in the shards (and carried by the merge), as in the one-process run the
   * speed-up is measured against: off unless the bench runs with `--screenshots`.
   */
  screenshots: boolean;
  /** The one-process run's collection and whole-run wall times, for the speed-up. */
  oneProcessCollectMs: number;
  oneProcessTotalMs: number;
  log: (line: string) => void;
}

/** One child process of the sharded run. */
export interface ChildFigures {
  wallMs: number;
  peakRssKb: number | undefined;
  exitCode: number;
  /** Wall time per stage, from the stage lines the child printed (spawn to first line: "start"). */
  stagesMs: { stage: string; ms: number }[];
}

/**
 * The merge's progress lines that start a stage, and the stage each starts: reading and verifying
 * the shard packs, evaluating, then (after the "evaluated" line) the API views and the generated
 * files (snapshot, findings, CSVs, hashes), the report, the ZIP.
 */
const STAGE_LINES: { prefix: string; stage: string }[] = [
  { prefix: 'plan shards', stage: 'plan' },
  { prefix: 'verify shards', stage: 'verify shards' },
  { prefix: 'evaluate', stage: 'evaluate' },
  { prefix: 'evaluated', stage: 'capture + files' },
  { prefix: 'render report', stage: 'report' },
  { prefix: 'write pack', stage: 'write pack' },
  { prefix: 'write shard pack', stage: 'write shard pack' },
];

/** What a sharded benchmark measured. */
export interface ShardBenchResult {
  shards: number;
  /** Per shard (1..n): wall time from spawn to exit (planning, collection, shard pack), peak RSS. */
  perShard: ChildFigures[];
  /** Spawn of the first shard to exit of the last (they run at once). */
  shardsWallMs: number;
  merge: ChildFigures;
  /** Shards + merge. */
  totalMs: number;
  /** API calls the sandbox answered for all shards (planning included). */
  shardCalls: number;
  /** One-process collection ÷ the slowest shard; one-process whole run ÷ (shards + merge). */
  speedUp: { collection: number; total: number };
  /** Files in the merged pack. */
  mergedPackFiles: number | undefined;
  /** Console screenshots in the shard packs (0 unless the bench runs with `--screenshots`). */
  shardScreenshots: number;
}

/**
 * Run the generated organization as `n` shards, each a separate `evidence-pack run --shard i/n`
 * process against a fresh sandbox of the same estate (same config), all at once, then
 * `evidence-pack merge` of the shard packs; time each and read each child's peak RSS.
 */
export async function runShardBench(opts: ShardBenchOptions): Promise<ShardBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'evidence-pack-bench-shards-'));
  const sandbox = await startSandboxProcess(opts);
  try {
    const configFile = join(dir, 'evidence.config.mjs');
    await writeFile(configFile, `export default ${JSON.stringify(benchConfigInput(opts), null, 2)};\n`);
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: sandbox.url,
    };
    const noScreenshots = opts.screenshots ? [] : ['--no-screenshots'];
    await resetStats(sandbox.url);
    opts.log(`bench: ${opts.shards} shards at once (run --shard i/${opts.shards})…`);
    const started = performance.now();
    const perShard = await Promise.all(
      Array.from({ length: opts.shards }, async (_, k) => {
        const out = join(dir, 'shards', String(k + 1));
        await mkdir(out, { recursive: true });
        const args = [
          'run',
          ...['--shard', `${k + 1}/${opts.shards}`, '-c', configFile, '-o', out],
          ...noScreenshots,
        ];
        return runChild(args, dir, env, `shard ${k + 1}/${opts.shards}`);
      }),
    );
    const shardsWallMs = performance.now() - started;
    const shardCalls = (await getStats(sandbox.url)).total;
    const zips: string[] = [];
    for (let k = 1; k <= opts.shards; k++) {
      const out = join(dir, 'shards', String(k));
      for (const f of await readdir(out)) if (f.endsWith('.zip')) zips.push(join(out, f));
    }
    let shardScreenshots = 0;
    for (const zip of zips)
      shardScreenshots += (await scanZip(zip)).filter((e) => e.path.startsWith('screenshots/')).length;
    opts.log('bench: merge…');
    const mergedDir = join(dir, 'merged');
    const merge = await runChild(
      ['merge', ...zips, '-c', configFile, '-o', mergedDir, ...noScreenshots, '--fail-on', 'none'],
      dir,
      env,
      'merge',
    );
    const totalMs = performance.now() - started;
    const slowest = Math.max(...perShard.map((s) => s.wallMs));
    return {
      shards: opts.shards,
      perShard,
      shardsWallMs,
      merge,
      totalMs,
      shardCalls,
      speedUp: {
        collection: slowest > 0 ? opts.oneProcessCollectMs / slowest : Number.NaN,
        total: totalMs > 0 ? opts.oneProcessTotalMs / totalMs : Number.NaN,
      },
      mergedPackFiles: await packFileCount(mergedDir),
      shardScreenshots,
    };
  } finally {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Run the CLI in a child process with the memory flags of a user's run; resolves with its wall
 * time, stage times and own peak RSS, rejects (with its stderr's tail) unless it exits 0.
 */
export function runChild(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  label: string,
): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Without --json: the child prints a line as each stage starts, which times the stages.
    const child = spawn(process.execPath, [...NODE_FLAGS, '--import', RSS_PROBE, CLI, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let partial = '';
    const marks: { stage: string; at: number }[] = [{ stage: 'start', at: started }];
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      err = (err + text).slice(-20_000);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const hit = STAGE_LINES.find((s) => line === s.prefix || line.startsWith(`${s.prefix} `));
        if (hit && !marks.some((m) => m.stage === hit.stage))
          marks.push({ stage: hit.stage, at: performance.now() });
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ended = performance.now();
      const wallMs = ended - started;
      const stagesMs = marks.map((m, i) => ({ stage: m.stage, ms: (marks[i + 1]?.at ?? ended) - m.at }));
      const rss = /BENCH_MAX_RSS_KB=(\d+)/.exec(err)?.[1];
      if (code !== 0)
        reject(
          new Error(
            `${label} exited with ${signal ?? `code ${code}`}: ${err.trim().split('\n').slice(-8).join('\n')}`,
          ),
        );
      else
        resolve({ wallMs, peakRssKb: rss === undefined ? undefined : Number(rss), exitCode: code, stagesMs });
    });
  });
}

async function packFileCount(dir: string): Promise<number | undefined> {
  const zip = (await readdir(dir).catch(() => [] as string[])).find((f) => f.endsWith('.zip'));
  return zip ? (await scanZip(join(dir, zip))).length : undefined;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mibOf = (kb: number | undefined) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`);

/** The human-readable report of a sharded benchmark. */
export function formatShardBench(r: ShardBenchResult): string {
  const lines = [
    `sharded: ${r.shards} shard processes at once, then merge (a fresh sandbox of the same estate)`,
  ];
  r.perShard.forEach((s, i) =>
    lines.push(
      `    shard ${i + 1}/${r.shards}  ${secs(s.wallMs).padStart(10)}  (peak RSS ${mibOf(s.peakRssKb)})`,
    ),
  );
  lines.push(
    `    shards (wall)  ${secs(r.shardsWallMs).padStart(10)}  (${r.shardCalls} API calls, planning included; ` +
      `${r.shardScreenshots} console screenshots)`,
  );
  lines.push(
    `    merge          ${secs(r.merge.wallMs).padStart(10)}  (peak RSS ${mibOf(r.merge.peakRssKb)})`,
  );
  lines.push(`    merge stages:  ${r.merge.stagesMs.map((s) => `${s.stage} ${secs(s.ms)}`).join(', ')}`);
  lines.push(`    total          ${secs(r.totalMs).padStart(10)}`);
  lines.push(
    `speed-up over one process: collection ${r.speedUp.collection.toFixed(2)}× (one-process collection ÷ slowest shard), ` +
      `whole run ${r.speedUp.total.toFixed(2)}× (one-process run ÷ shards + merge)`,
  );
  lines.push(`merge peak RSS: ${mibOf(r.merge.peakRssKb)}; merged pack: ${r.mergedPackFiles ?? 'n/a'} files`);
  return `${lines.join('\n')}\n`;
}
