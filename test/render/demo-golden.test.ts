import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { loadTemplates, renderHtml } from '../../src/render/html.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { runCli } from '../e2e/cli.ts';

const GOLDEN = fileURLToPath(new URL('./golden/demo-report.html', import.meta.url));

/**
 * The report golden, rendered from a real collection of the demo estate (the snapshot and effective
 * config of a `demo` pack) and a real evaluation of it, so every check title, reason and table is
 * the one users get. Values that change from run to run are replaced, changesets-style, by
 * placeholders: ids numbered in order of first appearance (so "the same key" stays visibly the same),
 * times and dates by `[time]` / `[date]`, digests by `[sha256]`, the sandbox's port by `[port]`.
 * Raw record ids (`cloudtrail-us-east-1-111122223333-000012`) are numbered too: the sink gives them
 * in the order an account's answers arrive, and its reads run at the same time, so their sequence
 * numbers vary.
 */
function scrub(html: string): string {
  const numbered = new Map<string, string>();
  const number = (kind: string) => (value: string) => {
    const key = `${kind}:${value}`;
    if (!numbered.has(key))
      numbered.set(
        key,
        `[${kind}-${[...numbered.keys()].filter((k) => k.startsWith(`${kind}:`)).length + 1}]`,
      );
    return numbered.get(key) ?? value;
  };
  return (
    html
      // Break opportunities inside identifiers would hide the values below from the patterns.
      .replace(/<wbr>/g, '')
      .replace(/<span class="nobr">([^<]*)<\/span>/g, '$1')
      .replace(/<style>[\s\S]*?<\/style>/, '<style>/* report.css */</style>')
      .replace(/evidence-pack \d+\.\d+\.\d+[^,<]*/g, 'evidence-pack VERSION')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:[port]')
      .replace(/\b\d{8}T\d{6}Z-[0-9a-f]{8}\b/g, '[run-id]')
      .replace(/\b[0-9a-f]{64}\b/g, '[sha256]')
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, number('uuid'))
      // CloudTrail request ids of events (random, upper-case UUIDs).
      .replace(/\b[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\b/g, '[event-request-id]')
      .replace(/\b(?:mrk-)?[0-9a-f]{32}\b/g, number('hex-id'))
      .replace(/\b[a-z0-9]+-[a-z]{2}(?:-gov)?-[a-z]+-\d-[A-Za-z0-9._]+-\d{6}\b/g, number('call'))
      .replace(/\b[0-9A-F]{16}\b/g, '[request-id]')
      // CloudTrail request ids of the sandbox's JSON services (KMS, CloudTrail): upper-case UUIDs.
      .replace(/\b[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\b/g, '[request-id]')
      .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z| UTC)?/g, '[time]')
      .replace(/\b\d{2}:\d{2}:\d{2} UTC\b/g, '[time]')
      .replace(/\b\d{8}T\d{6}Z\b/g, '[time]')
      .replace(/\b\d{4}-\d{2}-\d{2}\b/g, '[date]')
  );
}

async function normalize(html: string): Promise<string> {
  const options = (await resolveConfig(GOLDEN)) ?? {};
  return format(scrub(html).replace(/^<!DOCTYPE html>/, '<!doctype html>'), { ...options, parser: 'html' });
}

let html: string;
let snapshot: Snapshot;

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'ep-demo-golden-'));
  const r = await runCli(['demo', '-o', out, '--no-screenshots', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const entries = await readPackEntries((JSON.parse(r.stdout) as { pack: string }).pack);
  snapshot = JSON.parse(entries.get('snapshot.json')?.toString() ?? '{}') as Snapshot;
  const loaded = validateConfig(JSON.parse(entries.get('config/effective-config.json')?.toString() ?? '{}'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const evaluation = await evaluate(snapshot, loaded.config);
  html = renderHtml(
    buildReportModel({
      snapshot,
      evaluation,
      config: loaded.config,
      evidenceIndex: [...entries]
        .filter(([p]) => p.startsWith('raw/') || p.startsWith('inventory/') || p.startsWith('findings/'))
        .map(([path, body]) => ({ path, sha256: '0'.repeat(64), bytes: body.length > 0 ? 1 : 0 }))
        .sort((a, b) => a.path.localeCompare(b.path)),
      evidenceDigest: `sha256:${'0'.repeat(64)}`,
      screenshots: [],
      renderer: 'chromium',
      toolVersion: '0.0.0',
    }),
    loadTemplates(),
  );
}, 120_000);

describe('the report of the demo estate', () => {
  it('matches the golden report (UPDATE_GOLDEN=1 to regenerate)', async () => {
    const normalized = await normalize(html);
    if (process.env['UPDATE_GOLDEN'] === '1') {
      mkdirSync(join(GOLDEN, '..'), { recursive: true });
      writeFileSync(GOLDEN, normalized);
    }
    expect(normalized).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it("titles every check as the check registry does, and names the demo's buckets", () => {
    // Break opportunities (`<wbr>`, `nobr` spans) are markup inside a word, not part of the text.
    const text = html.replace(/<wbr>|<span class="nobr">|<\/span>/g, '');
    for (const check of CHECKS) expect(text, check.id).toContain(check.title.replace(/&/g, '&amp;'));
    const buckets = snapshot.accounts.flatMap((a) => a.buckets.map((b) => b.name));
    expect(buckets.length).toBeGreaterThan(10);
    for (const name of buckets) expect(text, name).toContain(name);
  });
});
