import { spawnSync } from 'node:child_process';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORK_MARKER, createWorkDir, removeStaleWorkDirs } from '../../src/pipeline/workdir.ts';
import { tempDir } from '../pack/helpers.ts';

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid;
}

describe('removeStaleWorkDirs', () => {
  it('names a staging dir after the run id and this pid', async () => {
    const out = await tempDir();
    const dir = await createWorkDir(out, '20261126T120000Z-0123abcd');
    expect(dir).toMatch(new RegExp(`\\.work-20261126T120000Z-0123abcd-p${process.pid}-[0-9a-f]{6}$`));
  });

  it('removes dirs of dead runs and old dirs, keeps live and recent ones', async () => {
    const out = await tempDir();
    const dead = `.work-20261126T120000Z-00000001-p${deadPid()}-aaaaaa`;
    const live = `.work-20261126T120000Z-00000002-p${process.ppid}-bbbbbb`;
    const liveButOld = `.work-20261125T120000Z-00000003-p${process.ppid}-cccccc`;
    const legacyRecent = '.work-20261126T120000Z-00000004-dddddd';
    const legacyOld = '.work-20261120T120000Z-00000005-eeeeee';
    const unrelated = 'work-notes';
    // Named like a dead run's but not holding the tool's marker: someone else's, never removed.
    const unmarked = `.work-20261126T120000Z-00000007-p${deadPid()}-ffffff`;
    for (const d of [dead, live, liveButOld, legacyRecent, legacyOld, unrelated, unmarked]) {
      await mkdir(join(out, d));
      if (d !== unrelated && d !== unmarked) await writeFile(join(out, d, WORK_MARKER), '');
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    for (const d of [liveButOld, legacyOld]) await utimes(join(out, d), twoDaysAgo, twoDaysAgo);
    const mine = await createWorkDir(out, '20261126T130000Z-00000006');
    await utimes(mine, twoDaysAgo, twoDaysAgo);

    const removed = await removeStaleWorkDirs(out);

    expect(removed.sort()).toEqual([dead, legacyOld, liveButOld].sort());
    expect((await readdir(out)).sort()).toEqual(
      [live, legacyRecent, unrelated, unmarked, mine.split('/').at(-1)!].sort(),
    );
  });

  it('does nothing for an output directory that does not exist yet', async () => {
    expect(await removeStaleWorkDirs(join(await tempDir(), 'missing'))).toEqual([]);
  });
});
