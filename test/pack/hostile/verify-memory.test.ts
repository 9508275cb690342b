import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN } from '../../e2e/cli.ts';
import { tempDir } from '../helpers.ts';

const TIME = '/usr/bin/time';
const FIXTURE = fileURLToPath(new URL('../fixtures/huge-entry-zip.ts', import.meta.url));

describe.skipIf(!existsSync(TIME))('verify memory', () => {
  it('stays flat for a 512 MiB entry: peak RSS under 200 MB, and the pack fails', async () => {
    const dir = await tempDir();
    const zip = join(dir, 'huge.zip');
    const made = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE, zip, '512'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const run = spawnSync(TIME, ['-v', process.execPath, BIN, 'verify', zip], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('[extra] raw/huge.jsonl: in the ZIP but not listed in manifest.json');
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1]);
    expect(rssKb).toBeGreaterThan(0);
    expect(rssKb / 1024).toBeLessThan(200);
  }, 120_000);
});
