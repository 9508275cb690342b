/**
 * Chromium's PDF differs between two prints of the same HTML in two places: the print time in the
 * Info dictionary (`/CreationDate`, `/ModDate`) and the DOM node numbers it uses as structure-element
 * ids in a tagged PDF (`/ID (node00000020)`), which start from a different base in each browser.
 * Both are rewritten here without moving a byte: the dates become the report's as-of time in the same
 * fixed-width form, and the node numbers are replaced by their rank (same width, same order, so the
 * ID name tree stays sorted and the cross-reference offsets stay valid). Two prints of one snapshot
 * then give the same bytes, and so does a rebuilt pack.
 */
export function stabilizeChromiumPdf(pdf: Buffer, asOf: Date): Buffer {
  const stamp = `D:${asOf.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  let text = pdf.toString('latin1');
  text = text.replace(
    /\/(CreationDate|ModDate) \(D:\d{14}([+-]\d{2}'\d{2}'|Z)?\)/g,
    (match, key: string, zone: string | undefined) => {
      const replacement = `/${key} (${stamp}${zone ?? ''})`;
      return replacement.length === match.length ? replacement : match;
    },
  );
  const NODE = /\(node(\d{8})\)/g;
  const numbers = [...new Set([...text.matchAll(NODE)].map((m) => m[1] ?? ''))].sort();
  const rank = new Map(numbers.map((n, i) => [n, String(i).padStart(8, '0')]));
  text = text.replace(NODE, (match, n: string) => `(node${rank.get(n) ?? n})`);
  return Buffer.from(text, 'latin1');
}
