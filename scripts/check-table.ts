// Regenerates the README's check table (between `<!-- checks:start -->` and `<!-- checks:end -->`)
// from the check registry, formatted as Prettier would: `npm run docs:checks`. The mapping test
// fails while the README's table and the registry differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { CHECKS } from '../src/checks/registry.ts';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- checks:start -->';
const END = '<!-- checks:end -->';

const rows = CHECKS.map(
  (c) =>
    `| \`${c.id}\` | ${c.title} | ${c.severity} | ${c.criteria.length ? c.criteria.join(', ') : 'none (other check)'} |`,
);
const table = [
  '| check | what it judges | severity | default criteria |',
  '| --- | --- | --- | --- |',
  ...rows,
].join('\n');
const readme = readFileSync(README, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
const next = `${readme.slice(0, start + START.length)}\n\n${table}\n\n${readme.slice(end)}`;
writeFileSync(README, await format(next, { ...(await resolveConfig(README)), filepath: README }));
