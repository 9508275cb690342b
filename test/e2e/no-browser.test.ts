import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { runCli } from './cli.ts';

describe('demo with no usable browser', () => {
  it('still writes a verifiable pack with a plain PDF, and says why in the manifest and README.txt', async () => {
    const base = await mkdtemp(join(tmpdir(), 'ep-nobrowser-'));
    // The output folder must be the tool's own (empty or new), so the fake browser lives beside it.
    const out = join(base, 'out');
    // A browser that exists but cannot start (a path that does not exist at all is a usage error).
    const fake = join(base, 'chromium');
    await writeFile(fake, '#!/bin/sh\necho "cannot start" >&2\nexit 1\n');
    await chmod(fake, 0o755);
    const env = { EVIDENCE_PACK_BROWSER: fake };
    const run = await runCli(['demo', '--out', out, '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/no browser/i);
    const summary = JSON.parse(run.stdout) as { pack: string; report: { renderer: string; reason?: string } };
    expect(summary.report.renderer).toBe('pdfkit');
    expect(summary.report.reason).toContain(fake);

    const entries = await readPackEntries(summary.pack);
    const pdf = entries.get('report.pdf');
    expect(pdf?.subarray(0, 5).toString()).toBe('%PDF-');
    const manifest = JSON.parse(entries.get('manifest.json')?.toString() ?? '{}') as {
      report: { renderer: string; reason?: string };
      captureGaps: { item: string; reason: string }[];
    };
    expect(manifest.report.renderer).toBe('pdfkit');
    expect(manifest.report.reason).toContain(fake);
    expect(manifest.captureGaps.map((g) => g.item)).toContain('all screenshots');
    expect(entries.get('README.txt')?.toString()).toMatch(
      new RegExp(`plain layout[\\s\\S]*${fake.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );

    const verify = await runCli(['verify', summary.pack]);
    expect(verify.code).toBe(0);
  }, 180_000);
});
