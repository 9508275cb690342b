import { forTerminal } from '../../text/safe-text.ts';
import { diffSnapshots, formatDiff } from '../../diff/diff-packs.ts';
import { loadPackForDiff } from '../../diff/load-pack.ts';
import { EXIT, usageError } from '../errors.ts';

/** Options of `evidence-pack diff`. */
export interface DiffCommandOptions {
  json?: boolean;
}

/**
 * `evidence-pack diff <old> <new>`: what changed between two packs, as text or (`--json`) the
 * `PackDiff`. Exit 0 whether or not anything changed; a missing file or a non-pack is a usage error (2).
 */
export async function diffCommand(oldZip: string, newZip: string, opts: DiffCommandOptions): Promise<number> {
  const [older, newer] = await Promise.all([loadPackForDiff(oldZip), loadPackForDiff(newZip)]);
  const problems = [older, newer].flatMap((l) => (l.ok ? [] : [l.problem]));
  if (!older.ok || !newer.ok) throw usageError('cannot diff: not two readable evidence packs', problems);
  const diff = diffSnapshots(older.pack, newer.pack);
  // JSON stays exact; text has every control and bidi character made visible.
  process.stdout.write(opts.json ? `${JSON.stringify(diff, null, 2)}\n` : forTerminal(formatDiff(diff)));
  return EXIT.ok;
}
