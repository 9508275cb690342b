import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTPUT_MARKER, OutputDirError, prepareOutputDir } from '../../src/pipeline/output-dir.ts';
import { tempDir } from '../pack/helpers.ts';
import { runCli } from '../e2e/cli.ts';

describe('prepareOutputDir', () => {
  it('creates a missing folder and marks it as the tool’s; a marked folder is reused', async () => {
    const out = join(await tempDir(), 'packs', 'q4');
    await prepareOutputDir(out);
    expect(await readdir(out)).toEqual([OUTPUT_MARKER]);
    await writeFile(join(out, 'evidence-pack_1_x.zip'), 'a pack');
    await expect(prepareOutputDir(out)).resolves.toMatchObject({ did: 'nothing' });
  });

  it('marks an empty folder it is given', async () => {
    const out = await tempDir();
    await prepareOutputDir(out);
    expect(await readdir(out)).toEqual([OUTPUT_MARKER]);
  });

  it('refuses the root, the home folder and a non-empty folder it did not create, unless forced', async () => {
    await expect(prepareOutputDir('/')).rejects.toThrow(
      /refusing to write packs into \/ \(the file-system root\)/,
    );
    await expect(prepareOutputDir(homedir())).rejects.toThrow(/home folder/);
    const project = await tempDir();
    await writeFile(join(project, 'evidence.config.ts'), 'export default {}');
    await expect(prepareOutputDir(project)).rejects.toBeInstanceOf(OutputDirError);
    await expect(prepareOutputDir(project)).rejects.toThrow(
      /not empty and was not created by evidence-pack; pass --force-output-dir/,
    );
    await prepareOutputDir(project, { force: true });
    // Forced, it is used but not marked: nothing in it becomes the tool's to clean.
    expect((await readdir(project)).sort()).toEqual(['evidence.config.ts']);
  });

  it('the CLI exits 2 and writes nothing for an output folder it does not own', async () => {
    const project = await tempDir();
    await mkdir(join(project, 'notes'));
    const run = await runCli(['demo', '--out', project, '--no-screenshots']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not empty and was not created by evidence-pack/);
    expect(await readdir(project)).toEqual(['notes']);
  }, 60_000);
});
