import { cp, mkdtemp, readdir, rm, appendFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const LAYERS = (createRequire(import.meta.url)(CONFIG) as { LAYERS: Record<string, string[]> }).LAYERS;

/** Cruise `src/` under `baseDir` with the project's rules, as `npm run deps` does. */
async function cruiseSrc(baseDir: string): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfigFile = join(baseDir, 'tsconfig.json');
  const out = await cruise(
    ['src'],
    { ...options, baseDir, validate: true, outputType: 'json' },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  return typeof out.output === 'string' ? (JSON.parse(out.output) as ICruiseResult) : out.output;
}

function violations(result: ICruiseResult): string[] {
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

const folderOf = (path: string) => /^src\/([^/]+)\//.exec(path)?.[1];

/** Folder-level loops: strongly connected groups of two or more src/ folders. */
function folderCycles(result: ICruiseResult): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const m of result.modules) {
    const from = folderOf(m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved);
      if (to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  }
  return stronglyConnected(edges).filter((c) => c.length > 1);
}

/** Tarjan's algorithm over a small graph. */
function stronglyConnected(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      groups.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return groups;
}

describe('dependency rule (.dependency-cruiser.cjs)', () => {
  let real: ICruiseResult;
  beforeAll(async () => {
    real = await cruiseSrc(ROOT);
  }, 120_000);

  it('src/ follows the layers: no violation, no folder-level loop', () => {
    expect(real.summary.totalCruised).toBeGreaterThan(100);
    expect(violations(real)).toEqual([]);
    expect(folderCycles(real)).toEqual([]);
  });

  it('declares every folder under src/, and the declared layers form no loop', async () => {
    const folders = (await readdir(join(ROOT, 'src'), { withFileTypes: true }))
      .filter((e) => e.isDirectory() && e.name !== 'cli')
      .map((e) => e.name)
      .sort();
    expect(Object.keys(LAYERS).sort()).toEqual(folders);
    const declared = new Map(Object.entries(LAYERS).map(([f, deps]) => [f, new Set(deps)]));
    expect(stronglyConnected(declared).filter((c) => c.length > 1)).toEqual([]);
  });

  describe('a deliberately added back-import', () => {
    let copy: string;
    let broken: ICruiseResult;
    beforeAll(async () => {
      copy = await mkdtemp(join(tmpdir(), 'deps-'));
      await cp(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
      await cp(join(ROOT, 'tsconfig.json'), join(copy, 'tsconfig.json'));
      // The snapshot model reaching up into the pipeline, and the sandbox into the product.
      await appendFile(
        join(copy, 'src/snapshot/model.ts'),
        "\nimport { runEvidencePack } from '../pipeline/run.ts';\nexport const back = runEvidencePack;\n",
      );
      await appendFile(
        join(copy, 'src/sandbox/types.ts'),
        "\nimport type { Config } from '../config/schema.ts';\nexport type Back = Config;\n",
      );
      broken = await cruiseSrc(copy);
    }, 120_000);
    afterAll(async () => {
      await rm(copy, { recursive: true, force: true });
    });

    it('fails the layer rule and closes a folder-level loop', () => {
      expect(violations(broken)).toContain('not-in-allowed: src/snapshot/model.ts → src/pipeline/run.ts');
      expect(folderCycles(broken).some((c) => c.includes('snapshot') && c.includes('pipeline'))).toBe(true);
    });

    it('fails the sandbox rule', () => {
      expect(violations(broken)).toContain(
        'sandbox-imports-no-product-code: src/sandbox/types.ts → src/config/schema.ts',
      );
    });
  });
});
