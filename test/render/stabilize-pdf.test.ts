import { describe, expect, it } from 'vitest';
import { stabilizeChromiumPdf } from '../../src/render/stabilize-pdf.ts';

const pdf = (time: string, base: number) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj\n<< /Producer (Skia/PDF m156)\n/CreationDate (D:${time}+00'00')\n/ModDate (D:${time}+00'00') >>\nendobj\n` +
      `2 0 obj\n<< /S /Table /ID (node${String(base).padStart(8, '0')}) >>\nendobj\n` +
      `3 0 obj\n<< /S /TR /ID (node${String(base + 7).padStart(8, '0')}) >>\nendobj\n` +
      `4 0 obj\n<< /Names [(node${String(base).padStart(8, '0')}) 2 0 R (node${String(base + 7).padStart(8, '0')}) 3 0 R] >>\nendobj\n`,
    'latin1',
  );

describe('stabilizeChromiumPdf', () => {
  const asOf = new Date('2026-11-26T19:31:55Z');

  it('makes two prints at different times and node bases byte-identical, keeping every offset', () => {
    const a = stabilizeChromiumPdf(pdf('20261126200612', 20), asOf);
    const b = stabilizeChromiumPdf(pdf('20261126200643', 21), asOf);
    expect(a.equals(b)).toBe(true);
    expect(a.length).toBe(pdf('20261126200612', 20).length);
    const text = a.toString('latin1');
    expect(text).toContain("/CreationDate (D:20261126193155+00'00')");
    expect(text).toContain("/ModDate (D:20261126193155+00'00')");
  });

  it('keeps node ids distinct and in order, so the ID name tree stays sorted', () => {
    const text = stabilizeChromiumPdf(pdf('20261126200612', 20), asOf).toString('latin1');
    expect(text).toContain('/Names [(node00000000) 2 0 R (node00000001) 3 0 R]');
  });

  it('leaves a PDF without those fields unchanged', () => {
    const plain = Buffer.from('%PDF-1.4\n<< /Producer (x) >>\n', 'latin1');
    expect(stabilizeChromiumPdf(plain, asOf).equals(plain)).toBe(true);
  });
});
