import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { leastPrivilegePolicy } from '../../collect/iam-policy.ts';
import { DEFAULT_CONFIG_FILE } from '../../config/load.ts';
import { configTemplate } from '../../init/config-template.ts';
import { usageError } from '../errors.ts';

/** The policy file `init` writes next to the config. */
export const POLICY_FILE = 'evidence-pack-policy.json';

/** Options of `evidence-pack init`. */
export interface InitCommandOptions {
  dir: string;
  organization?: string;
}

const PLACEHOLDER_ORGANIZATION = 'Example Corp';

/** Ask for the organization only when a person is at the terminal; never in CI or on a pipe. */
async function organizationName(given: string | undefined): Promise<string> {
  if (given !== undefined) {
    if (!given.trim()) throw usageError('--organization must not be empty');
    return given.trim();
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY || process.env.CI) return PLACEHOLDER_ORGANIZATION;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(
      `Organization name for the report cover (${PLACEHOLDER_ORGANIZATION}): `,
    );
    return answer.trim() || PLACEHOLDER_ORGANIZATION;
  } finally {
    rl.close();
  }
}

/**
 * `evidence-pack init`: write a commented `evidence.config.ts` and the least-privilege IAM policy.
 * Refuses (exit 2, nothing written) when either file exists.
 */
export async function initCommand(opts: InitCommandOptions): Promise<number> {
  const dir = resolve(opts.dir);
  if (!existsSync(dir)) throw usageError(`${dir} does not exist: create it first or pass --dir <folder>`);
  const configPath = join(dir, DEFAULT_CONFIG_FILE);
  const policyPath = join(dir, POLICY_FILE);
  const existing = [configPath, policyPath].filter((p) => existsSync(p));
  if (existing.length > 0) {
    throw usageError(`not overwriting ${existing.join(' and ')}`, [
      'nothing was written; remove or rename the file(s), or pass --dir <another folder>',
    ]);
  }
  const organization = await organizationName(opts.organization);
  // 'wx': never replace a file that appeared in the meantime.
  await writeFile(policyPath, `${JSON.stringify(leastPrivilegePolicy(), null, 2)}\n`, { flag: 'wx' });
  await writeFile(configPath, configTemplate(organization, POLICY_FILE), { flag: 'wx' });
  process.stderr.write(
    `wrote ${configPath}\n` +
      `wrote ${policyPath} (the read-only IAM policy to attach to the identity that runs the tool)\n` +
      (organization === PLACEHOLDER_ORGANIZATION && opts.organization === undefined
        ? `set "organization" in ${DEFAULT_CONFIG_FILE} (it is "${PLACEHOLDER_ORGANIZATION}" for now)\n`
        : '') +
      'next: npx evidence-pack demo --config evidence.config.ts   (no AWS needed)\n' +
      '      npx evidence-pack run --profile <your-profile>\n',
  );
  return 0;
}
