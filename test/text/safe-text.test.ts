import { describe, expect, it } from 'vitest';
import { csvField } from '../../src/render/csv.ts';
import { displaySafe, forDisplay, forPlainText, forTerminal } from '../../src/text/safe-text.ts';

const FAKE_OK = '\u001b[2J\u001b[HOK: pack.zip\n  signature: verified\u009b';

describe('safe text', () => {
  it('for a terminal, escapes ESC/CSI, C1 and bidi controls visibly; single-line values lose newlines too', () => {
    expect(forTerminal(FAKE_OK)).toBe('\\x1b[2J\\x1b[HOK: pack.zip\n  signature: verified\\x9b');
    expect(forTerminal('a\nb\tc', { singleLine: true })).toBe('a\\x0ab\\x09c');
    expect(forTerminal('Sid \u202eKO')).toBe('Sid \\u202eKO');
    expect(forTerminal('plain text, ünïcode ok')).toBe('plain text, ünïcode ok');
  });

  it('for CSV and README.txt, strips NUL and escapes other controls, keeping tab and newline', () => {
    expect(forPlainText('a\0b\u0007c\td\ne\u2066')).toBe('ab\\x07c\td\ne\\u2066');
    expect(csvField('x\0\u001b[31my')).toBe('x\\x1b[31my');
    // Formula neutralisation still applies after escaping.
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it('for views, shows bidi controls and cuts over-long values with a marker', () => {
    expect(forDisplay('report\u202efdp.exe')).toBe('report⟦U+202E⟧fdp.exe');
    const cut = forDisplay('r'.repeat(100_000));
    expect(cut).toBe(`${'r'.repeat(2_000)}… 100,000 characters, see raw/`);
    const lines = Array.from({ length: 30 }, () => 'x'.repeat(1_999)).join('\n');
    expect(forDisplay(lines).endsWith(`… ${lines.length.toLocaleString('en-US')} characters, see raw/`)).toBe(
      true,
    );
    expect(forDisplay('short\nlines\tkept')).toBe('short\nlines\tkept');
  });

  it('displaySafe maps every string of template data but leaves markup and data URIs alone', () => {
    const data = {
      title: 'a\u202eb',
      bannerHtml: '<b>\u202e</b>',
      imageDataUri: 'data:image/png;base64,AAAA',
      rows: [['x'.repeat(3_000)]],
      n: 3,
    };
    const safe = displaySafe(data);
    expect(safe.title).toBe('a⟦U+202E⟧b');
    expect(safe.bannerHtml).toBe(data.bannerHtml);
    expect(safe.imageDataUri).toBe(data.imageDataUri);
    expect(safe.rows[0]![0]).toMatch(/… 3,000 characters, see raw\/$/);
    expect(safe.n).toBe(3);
  });
});
