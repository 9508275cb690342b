import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeDeterministicZip } from '../../../src/pack/zip-writer.ts';
import { FIXED_TIME, hasTool, tempDir } from '../helpers.ts';
import { equivalenceViolation, readerVerdict } from './craft.ts';

/** A small pack-shaped ZIP as the tool writes it: deflated, stored-empty and non-ASCII entries. */
async function validZip(dir: string, forceZip64: boolean): Promise<Buffer> {
  const path = join(dir, `valid-${String(forceZip64)}.zip`);
  await writeDeterministicZip(
    [
      { path: 'README.txt', content: Buffer.from('read me\n') },
      { path: 'empty.txt', content: Buffer.alloc(0) },
      { path: 'findings/findings.csv', content: Buffer.from('checkId,status\ns3,pass\n'.repeat(8)) },
      { path: 'raw/ü.jsonl', content: Buffer.from('{"operation":"ListBuckets"}\n'.repeat(4)) },
    ],
    createWriteStream(path),
    { fixedTime: FIXED_TIME, forceZip64 },
  );
  return readFile(path);
}

type Mutation =
  | { kind: 'xor'; at: number; mask: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; value: number }
  | { kind: 'delete'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('xor' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 0x2f, 0xff, 0x10, 0xa0),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
);

function apply(base: Buffer, mutations: Mutation[]): Buffer {
  let buf = Buffer.from(base);
  for (const m of mutations) {
    const at = m.at % buf.length;
    if (m.kind === 'xor') buf[at] = buf[at]! ^ m.mask;
    else if (m.kind === 'set') buf[at] = m.value;
    else if (m.kind === 'insert')
      buf = Buffer.concat([buf.subarray(0, at), Buffer.from([m.value]), buf.subarray(at)]);
    else buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1)]);
  }
  return buf;
}

describe.skipIf(!hasTool('unzip'))('strict ZIP reader: property under byte mutations', () => {
  it('either refuses a mutated pack or unzip extracts exactly the bytes it hashed', async () => {
    const dir = await tempDir();
    const bases = [await validZip(dir, false), await validZip(dir, true)];
    const path = join(dir, 'mutated.zip');
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: bases.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (which, mutations) => {
          await writeFile(path, apply(bases[which]!, mutations));
          if ('accepted' in (await readerVerdict(path))) accepted++;
          expect(await equivalenceViolation(path)).toBeNull();
        },
      ),
      { numRuns: 400 },
    );
    // The run would prove little if every mutant were refused: some land in fields both ignore.
    expect(accepted).toBeGreaterThan(0);
  }, 120_000);

  it('accepts the unmutated packs, and unzip agrees', async () => {
    const dir = await tempDir();
    for (const force of [false, true]) {
      const path = join(dir, `v${String(force)}.zip`);
      await writeFile(path, await validZip(dir, force));
      expect(await readerVerdict(path)).toHaveProperty('accepted');
      expect(await equivalenceViolation(path)).toBeNull();
    }
  });
});
