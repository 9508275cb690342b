import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'ep-pdf-'));
let n = 0;

/** Writes a PDF to a temp file and returns its path (for pdftotext/pdfinfo and manual inspection). */
export function writeTempPdf(pdf: Buffer, name = 'report'): string {
  n += 1;
  const file = join(dir, `${name}-${n}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

/** The text of a PDF in content-stream order (each table cell stays together), via poppler's pdftotext. */
export function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-raw', writeTempPdf(pdf), '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Page count as poppler's pdfinfo reads it (independent of our own counter). */
export function pdfinfoPages(pdf: Buffer): number {
  const out = execFileSync('pdfinfo', [writeTempPdf(pdf)], { encoding: 'utf8' });
  const m = /^Pages:\s+(\d+)/m.exec(out);
  if (!m) throw new Error(`pdfinfo gave no page count:\n${out}`);
  return Number(m[1]);
}

/** Text with all whitespace removed: table cells wrap anywhere, this compares content only. */
export function squash(s: string): string {
  return s.replace(/\s+/g, '');
}
