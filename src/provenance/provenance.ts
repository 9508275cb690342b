import { hostname, userInfo } from 'node:os';
import { recordedCommandLine } from './command-line.ts';
import { installedCodeDigest } from './code-digest.ts';
import { detectOperator, operatorLabel, type Operator } from './operator.ts';

/** A span of time, ISO-8601 UTC. */
export interface TimeWindow {
  startedAt: string;
  finishedAt: string;
}

/** How the run was invoked: who, with which command line, with which code. */
export interface Invocation {
  operator: Operator;
  /** `GitHub Actions run 42 (https://…)` or `user@host`. */
  operatorLabel: string;
  /** `evidence-pack run --profile audit`, secrets redacted. */
  commandLine: string;
  /** Digest of the tool's installed code (package.json, bin/, src/, templates/). */
  codeDigest: string;
  codeFiles: number;
}

/** Who, when, how and with what: recorded in manifest.json, README.txt and on the report's cover. */
export interface Provenance extends Invocation {
  times: {
    collection: TimeWindow;
    /** The screenshot stage, or null when no screenshot was taken. */
    capture: TimeWindow | null;
    render: TimeWindow;
  };
}

function localIdentity(): { user: string; host: string } {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for the uid (some containers): the login variables are the best left.
    user = process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown';
  }
  return { user, host: hostname() };
}

/**
 * This process's invocation: the operator from the environment, the command line from `argv`
 * (after the node binary and script), the digest of the installed code.
 */
export function currentInvocation(
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
): Invocation {
  const operator = detectOperator(env, localIdentity());
  const code = installedCodeDigest();
  return {
    operator,
    operatorLabel: operatorLabel(operator),
    commandLine: recordedCommandLine(argv),
    codeDigest: code.digest,
    codeFiles: code.files,
  };
}

/**
 * The clock of a build. A rebuild (`pack --from`) honours `SOURCE_DATE_EPOCH` (seconds since the
 * epoch, the reproducible-builds convention): every time it records is that instant, so two rebuilds
 * with the same value give byte-identical packs. A live run always uses the real clock.
 */
export function buildClock(
  kind: 'run' | 'rebuild',
  env: Readonly<Record<string, string | undefined>> = process.env,
): () => Date {
  const epoch = env['SOURCE_DATE_EPOCH'];
  if (kind === 'rebuild' && epoch !== undefined && /^\d+$/.test(epoch)) {
    const fixed = new Date(Number(epoch) * 1000);
    return () => new Date(fixed);
  }
  return () => new Date();
}
