import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN } from './cli.ts';

const run = promisify(execFile);

describe('the installed entry point', () => {
  it('starts through its shebang, with the memory flags this Node accepts, and prints help', async () => {
    const firstLine = (await readFile(BIN, 'utf8')).split('\n')[0];
    expect(firstLine).toMatch(
      /^#!\/usr\/bin\/env -S node --max-semi-space-size=4 --heap-growing-percent=40$/,
    );
    // Executed directly, as `npx evidence-pack` and npm's bin links do: an unknown V8 flag would fail here.
    const { stdout } = await run(BIN, ['--help'], { env: { ...process.env, CI: 'true' } });
    expect(stdout).toContain('Usage: evidence-pack');
    expect(stdout).toMatch(/\brun\b/);
  });

  it('gives the npm scripts that run the pipeline the same flags as the shebang', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const flags = '--max-semi-space-size=4 --heap-growing-percent=40';
    for (const script of ['demo', 'bench', 'sandbox']) {
      expect(pkg.scripts[script], script).toContain(`node ${flags} bin/evidence-pack.js`);
    }
  });
});
