import { existsSync, statSync } from 'node:fs';
import { planFromPack } from '../../remediate/from-pack.ts';
import { renderShell } from '../../remediate/render.ts';
import { renderTerraform } from '../../remediate/terraform.ts';
import { EXIT, usageError } from '../errors.ts';

/** Options of `evidence-pack remediate`. */
export interface RemediateCommandOptions {
  format: 'shell' | 'json' | 'terraform';
}

/**
 * `evidence-pack remediate <zip>`: print the fix plan of a verified pack, as a shell script to
 * review (nothing is run), as JSON, or as a Terraform configuration. A pack that does not verify is a usage error (2).
 */
export async function remediateCommand(zip: string, opts: RemediateCommandOptions): Promise<number> {
  if (!existsSync(zip) || !statSync(zip).isFile()) throw usageError(`no such pack: ${zip}`);
  const result = await planFromPack(zip);
  if (!result.ok) {
    throw usageError(`${zip} does not verify, so no plan is made from it`, [
      ...result.problems,
      `run evidence-pack verify ${zip} for details`,
    ]);
  }
  process.stdout.write(
    opts.format === 'json'
      ? `${JSON.stringify(result.plan, null, 2)}\n`
      : opts.format === 'terraform'
        ? renderTerraform(result.plan, result.packName)
        : renderShell(result.plan, result.packName),
  );
  return EXIT.ok;
}
