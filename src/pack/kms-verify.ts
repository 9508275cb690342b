import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, VerifyCommand } from '@aws-sdk/client-kms';
import type { VerifyOptions } from './verify.ts';

/** The SPKI PEM public key of a KMS asymmetric key, read with the given client. */
export async function kmsPublicKeyPemFromClient(kms: KMSClient, keyId: string): Promise<string> {
  const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!out.PublicKey) throw new Error(`KMS GetPublicKey returned no public key for ${keyId}`);
  return createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

/**
 * The public key of a KMS key for `verify --kms-key-id`, using the default credential chain.
 * The region comes from the key ARN when it is one (else the SDK's default region chain);
 * `endpointUrl` points at an AWS-compatible endpoint such as the sandbox.
 */
export async function kmsPublicKeyPem(keyId: string, endpointUrl?: string): Promise<string> {
  const region = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1];
  const kms = new KMSClient({
    ...(region ? { region } : {}),
    ...(endpointUrl ? { endpoint: endpointUrl } : {}),
  });
  try {
    return await kmsPublicKeyPemFromClient(kms, keyId);
  } finally {
    kms.destroy();
  }
}

/**
 * A `kmsVerify` callback for {@link VerifyOptions}: asks KMS `Verify` (MessageType DIGEST) whether
 * the signature over manifest.json's SHA-256 is valid for `keyId`. KMS answers an invalid
 * signature with `KMSInvalidSignatureException`, which becomes `false`; other errors propagate.
 */
export function kmsVerifier(kms: KMSClient, keyId: string): NonNullable<VerifyOptions['kmsVerify']> {
  return async (digest, signature, algorithm) => {
    if (algorithm !== 'ECDSA_SHA_256' && algorithm !== 'RSASSA_PKCS1_V1_5_SHA_256') return false;
    try {
      const out = await kms.send(
        new VerifyCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: 'DIGEST',
          Signature: signature,
          SigningAlgorithm: algorithm,
        }),
      );
      return out.SignatureValid === true;
    } catch (err) {
      if ((err as Error).name === 'KMSInvalidSignatureException') return false;
      throw err;
    }
  };
}
