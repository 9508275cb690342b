import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createJiti } from 'jiti';
import type { z } from 'zod';
import { configSchema, type Config, type UserConfig } from './schema.ts';

/** The default config file name, looked up in the working directory. */
export const DEFAULT_CONFIG_FILE = 'evidence.config.ts';

/** A loaded, validated config, or the list of problems. */
export type ConfigLoad =
  | { ok: true; config: Config; path: string | undefined; digest: string }
  | { ok: false; path: string | undefined; errors: string[] };

/** Render a value briefly for an error message. */
function brief(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** Turn schema issues into lines naming the field, what is expected and what was given. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.map((issue) => {
    const field = issue.path.length
      ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('')
      : '(top level)';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys')
      message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const given = issue.code === 'unrecognized_keys' ? '' : ` (got ${brief(valueAt(input, issue.path))})`;
    return `${field}: ${message}${given}`;
  });
}

/** Validate a config object already in memory (used by `demo` and by tests). */
export function validateConfig(input: unknown, path?: string): ConfigLoad {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) return { ok: false, path, errors: formatIssues(parsed.error.issues, input) };
  const digest = createHash('sha256').update(JSON.stringify(parsed.data)).digest('hex');
  return { ok: true, config: parsed.data, path, digest };
}

/**
 * Load `evidence.config.ts` (or the given file) with jiti, validate it, apply defaults.
 * Never throws for user mistakes: a missing file, a syntax error, a missing default export or a
 * schema violation all come back as `{ ok: false, errors }` naming what is wrong.
 */
export async function loadConfig(file?: string, cwd = process.cwd()): Promise<ConfigLoad> {
  const path = resolve(cwd, file ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(path)) {
    return {
      ok: false,
      path,
      errors: [
        file
          ? `config file not found: ${path}`
          : `no ${DEFAULT_CONFIG_FILE} in ${cwd}: create one (see README "Configuration") or pass --config <file>`,
      ],
    };
  }
  let mod: unknown;
  try {
    const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, interopDefault: true });
    mod = await jiti.import(path);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, path, errors: [`cannot load ${path}: ${firstLines(message, 6)}`] };
  }
  const exported =
    mod !== null && typeof mod === 'object' && 'default' in mod
      ? (mod as { default: unknown }).default
      : undefined;
  if (exported === undefined) {
    const named =
      mod !== null && typeof mod === 'object' ? Object.keys(mod).filter((k) => k !== 'default') : [];
    return {
      ok: false,
      path,
      errors: [
        `${path} has no default export${named.length ? ` (it exports ${named.map((n) => `"${n}"`).join(', ')})` : ''}: ` +
          `write export default defineConfig({ organization: '...' })`,
      ],
    };
  }
  mod = exported;
  if (mod === null || typeof mod !== 'object') {
    return {
      ok: false,
      path,
      errors: [`${path} must export a config object: export default defineConfig({ organization: '...' })`],
    };
  }
  const load = validateConfig(mod as UserConfig, path);
  if (!load.ok) return load;
  const digest = createHash('sha256').update(readFileSync(path)).digest('hex');
  return { ...load, digest };
}

function firstLines(text: string, n: number): string {
  return text.split('\n').slice(0, n).join('\n');
}
