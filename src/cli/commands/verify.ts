import { forTerminal } from '../../text/safe-text.ts';
import { readFile } from 'node:fs/promises';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { formatVerifyReport, verifyPack } from '../../pack/verify.ts';
import { EXIT, usageError } from '../errors.ts';
import { errorMessage, errorName } from '../../aws/classify.ts';
import { explainFailure } from '../../aws/explain.ts';

/** Options of `evidence-pack verify`. */
export interface VerifyCommandOptions {
  publicKey?: string;
  kmsKeyId?: string;
  endpointUrl?: string;
  json?: boolean;
  requireSignature?: boolean;
}

/** `evidence-pack verify <zip>`: exit 0 when intact, 1 naming every problem otherwise. */
export async function verifyCommand(zip: string, opts: VerifyCommandOptions): Promise<number> {
  if (!existsSync(zip)) throw usageError(`no such file: ${zip}`);
  if (statSync(zip).isDirectory())
    throw usageError(
      `${zip} is a directory: pass the pack's .zip file (its .zip.sha256 sidecar is found beside it)`,
    );
  try {
    accessSync(zip, constants.R_OK);
  } catch {
    throw usageError(`cannot read ${zip}: permission denied for this user (check the file's owner and mode)`);
  }
  let publicKeyPem: string | undefined;
  if (opts.publicKey) {
    if (!existsSync(opts.publicKey)) throw usageError(`no such public key file: ${opts.publicKey}`);
    publicKeyPem = await readFile(opts.publicKey, 'utf8');
  }
  if (opts.kmsKeyId) {
    const { kmsPublicKeyPem } = await import('../../pack/kms-verify.ts');
    try {
      publicKeyPem = await kmsPublicKeyPem(opts.kmsKeyId, { endpointUrl: opts.endpointUrl });
    } catch (err) {
      // Nothing was checked yet: the trust anchor could not be read (unknown key, no access).
      const e = explainFailure(errorName(err), errorMessage(err), { endpointUrl: opts.endpointUrl });
      throw usageError(`cannot read the public key of KMS key ${opts.kmsKeyId}: ${e.cause}`, [
        ...e.hints,
        'or verify with the public key itself: --public-key pub.pem (see the pack README.txt)',
      ]);
    }
  }
  const report = await verifyPack(zip, {
    ...(publicKeyPem ? { publicKeyPem } : {}),
    requireSignature: opts.requireSignature === true,
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${forTerminal(formatVerifyReport(report))}\n`);
  return report.ok ? EXIT.ok : EXIT.findings;
}
