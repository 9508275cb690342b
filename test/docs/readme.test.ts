import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { leastPrivilegePolicy } from '../../src/collect/iam-policy.ts';
import { configSchema } from '../../src/config/schema.ts';

const README = new URL('../../README.md', import.meta.url);

/** The part of the README between a `## ` heading and the next one. */
async function section(heading: string): Promise<string> {
  const text = await readFile(README, 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  expect(start, `README section "${heading}"`).toBeGreaterThan(-1);
  const end = text.indexOf('\n## ', start + 4);
  return text.slice(start, end === -1 ? undefined : end);
}

type Schema = z.core.$ZodType;

/** Unwrap defaults, optionals, arrays and records down to the object schema they hold, if any. */
function objectShape(schema: Schema): Record<string, Schema> | undefined {
  let s: Schema = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: Schema; element?: Schema; valueType?: Schema };
    if ((def.type === 'default' || def.type === 'optional' || def.type === 'nullable') && def.innerType)
      s = def.innerType;
    else if (def.type === 'array' && def.element) s = def.element;
    else if (def.type === 'record' && def.valueType) s = def.valueType;
    else if (def.type === 'object') return (s as unknown as { shape: Record<string, Schema> }).shape;
    else return undefined;
  }
}

/** Every field name under a schema, at any depth. */
function nestedFields(schema: Schema): string[] {
  const shape = objectShape(schema);
  if (!shape) return [];
  return Object.entries(shape).flatMap(([k, v]) => [k, ...nestedFields(v)]);
}

describe('README', () => {
  it("shows the least-privilege policy that init writes, generated from the collectors' declared actions", async () => {
    const quickStart = await section('Quick start against a real AWS account');
    const block = /```json\n([\s\S]*?)```/.exec(quickStart)?.[1];
    expect(block, 'a JSON policy block in "Quick start"').toBeDefined();
    // On a mismatch: paste JSON.stringify(leastPrivilegePolicy(), null, 2) into the README.
    expect(JSON.parse(block ?? '{}')).toEqual(leastPrivilegePolicy());
  });

  it('documents every config field in the Configuration table (nested fields in their parent row)', async () => {
    const rows = (await section('Configuration')).split('\n').filter((l) => l.startsWith('| `'));
    const shape = objectShape(configSchema as unknown as Schema) ?? {};
    const missing: string[] = [];
    for (const [key, schema] of Object.entries(shape)) {
      const own = rows.filter((r) => new RegExp('^\\| [^|]*`' + key + '[`.]').test(r));
      if (own.length === 0) {
        missing.push(key);
        continue;
      }
      for (const field of nestedFields(schema)) {
        if (!own.some((r) => new RegExp('\\b' + field + '\\b').test(r))) missing.push(`${key}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents every sandbox flag, its default port and the dummy-key requirement', async () => {
    const text = await readFile(README, 'utf8');
    for (const flag of ['--port', '--host', '--scenario', '--latency', '--buckets', '--regions', '--faults'])
      expect(await section('The sandbox'), flag).toContain(flag);
    expect(await section('The sandbox')).toMatch(/4566/);
    expect(await section('The sandbox')).toMatch(/AWS_ACCESS_KEY_ID=test/);
    expect(text).toMatch(/`demo`[^\n]*--fail-on none/);
  });

  it('pins the current version wherever it tells a user to install the tool', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    for (const file of ['../../README.md', '../../examples/cron/README.md']) {
      const text = await readFile(new URL(file, import.meta.url), 'utf8');
      const pins = [...text.matchAll(/evidence-pack@(\d[\w.-]*)/g)].map((m) => m[1]);
      expect(pins.length, file).toBeGreaterThan(0);
      expect(new Set(pins), file).toEqual(new Set([version]));
      expect(text, file).not.toMatch(/npm install (--save-exact )?evidence-pack(?!@)/);
    }
  });
});
