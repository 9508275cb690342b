import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Where the CLI entry point lives, relative to this module. */
const CLI = fileURLToPath(new URL('../../bin/evidence-pack.js', import.meta.url));

/** Sandbox access keys map to the default account; the secret is not checked. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIABENCH', secretAccessKey: 'x' } as const;

/** Parameters of the sandbox child process. */
export interface SandboxProcessOptions {
  buckets: number;
  regions: number;
  latencyMs: number;
  /** An organization of this many member accounts sharing the buckets (`sandbox --accounts`). */
  accounts?: number | undefined;
  /** A scenario name instead of `generated` with `buckets` and `regions` (e.g. `generated-quarter:…`). */
  scenario?: string | undefined;
}

/** A sandbox serving from its own process. */
export interface SandboxProcess {
  url: string;
  pid: number;
  /** CPU time (user + system) the child used so far, in ms; undefined where /proc is not available. */
  cpuMs(): Promise<number | undefined>;
  /** Stop the child (SIGTERM, then SIGKILL if it lingers); safe to call twice. */
  stop(): Promise<void>;
}

/** The URL from the sandbox's `sandbox listening on <url>` line, if the text holds it. */
export function parseListeningUrl(text: string): string | undefined {
  return /sandbox listening on (http:\/\/\S+)/.exec(text)?.[1];
}

/**
 * Start `evidence-pack sandbox --scenario generated` in a child process and wait for its URL.
 * The child is killed when this process exits, whatever the reason, so a failed or interrupted
 * benchmark never leaves a sandbox behind.
 */
export async function startSandboxProcess(opts: SandboxProcessOptions): Promise<SandboxProcess> {
  const args = [
    CLI,
    'sandbox',
    '--port',
    '0',
    '--scenario',
    opts.scenario ?? 'generated',
    '--buckets',
    String(opts.buckets),
    '--regions',
    String(opts.regions),
    '--latency',
    String(opts.latencyMs),
    ...(opts.accounts !== undefined ? ['--accounts', String(opts.accounts)] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const url = await waitForUrl(child).catch((err: unknown) => {
    killOnExit();
    process.removeListener('exit', killOnExit);
    throw err;
  });
  return {
    url,
    pid: child.pid ?? -1,
    cpuMs: () => processCpuMs(child.pid),
    stop: () => stopChild(child).finally(() => process.removeListener('exit', killOnExit)),
  };
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = parseListeningUrl(out);
      if (url) {
        cleanup();
        // Keep draining the pipes so the child never blocks on a full buffer.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(url);
      }
    };
    const onErr = (chunk: Buffer) => {
      err += chunk.toString('utf8');
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(
        new Error(
          `the sandbox process exited (${signal ?? `code ${code}`}) before listening: ${err.trim().slice(-500)}`,
        ),
      );
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** CPU time of a process from `/proc/<pid>/stat` (Linux), in ms. */
async function processCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every mainstream Linux build.
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}
