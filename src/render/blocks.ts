import { formatCount } from './cells.ts';
import type { Block, HeadingBlock, ParagraphBlock, Run, Table } from './report-model.ts';

/** Code-like text inside a paragraph (a path, an operation name). */
export function mono(text: string): Run {
  return { text, mono: true };
}

/** Emphasis inside a paragraph. */
export function strong(text: string): Run {
  return { text, strong: true };
}

/** A paragraph of text and runs. */
export function para(style: ParagraphBlock['style'], ...parts: (string | Run)[]): ParagraphBlock {
  return { kind: 'paragraph', style, runs: parts.map((p) => (typeof p === 'string' ? { text: p } : p)) };
}

/** An unnumbered heading inside a section. */
export function heading(text: string, level: 3 | 4 = 3, extra: Partial<HeadingBlock> = {}): HeadingBlock {
  return { kind: 'heading', level, text, ...extra };
}

/**
 * A table with what goes around it: the note saying the table has no rows, or the table and,
 * when rows were left out, the line naming where the rest is.
 */
export function tableBlocks(
  table: Table,
  opts: { dense?: boolean; noun?: string; emptyNote?: string } = {},
): Block[] {
  if (table.rows.length === 0) return [para('empty', opts.emptyNote ?? table.emptyNote)];
  const blocks: Block[] = [{ kind: 'table', table, dense: opts.dense }];
  if (table.moreNote)
    blocks.push(
      para(
        'more',
        `Showing ${formatCount(table.rows.length)} of ${formatCount(table.total)} ${opts.noun ?? 'rows'}. ${table.moreNote}.`,
      ),
    );
  return blocks;
}
