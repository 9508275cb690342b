import type { Config } from '../../config/schema.ts';
import type { ClientFactory } from '../../aws/client-factory.ts';
import { kmsSigner, ed25519SignerFromFile, type Signer } from '../../pack/sign.ts';
import type { Progress } from '../../progress/progress.ts';

/** The signer from `config.sign`, if any. */
export async function makeSigner(
  config: Config,
  factory: ClientFactory | undefined,
): Promise<Signer | undefined> {
  if (!config.sign) return undefined;
  if (config.sign.privateKeyFile) return ed25519SignerFromFile(config.sign.privateKeyFile);
  if (config.sign.kmsKeyId) {
    if (!factory) throw new Error('signing with a KMS key needs AWS access (sign.kmsKeyId)');
    const region = regionOfKey(config.sign.kmsKeyId) ?? config.sign.region ?? 'us-east-1';
    return kmsSigner(factory.kms(region), config.sign.kmsKeyId);
  }
  return undefined;
}

/**
 * The signer of a build that does not call AWS (`pack --from`, `merge`): a key file only; a KMS
 * key is said to be left unused and the config returned without it (so the pack records no signer).
 */
export async function offlineSigner(
  config: Config,
  progress: Progress,
  why: string,
): Promise<{ config: Config; signer: Signer | undefined }> {
  if (!config.sign?.kmsKeyId) return { config, signer: await makeSigner(config, undefined) };
  progress.log(`not signing: ${why}, so the KMS signing key cannot be used`);
  return { config: { ...config, sign: undefined }, signer: undefined };
}

function regionOfKey(keyId: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1];
}
