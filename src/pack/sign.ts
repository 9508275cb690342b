import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';

/** Signature algorithms a pack can carry (KMS names for the KMS ones). */
export type SignatureAlgorithm = 'ED25519' | 'ECDSA_SHA_256' | 'RSASSA_PKCS1_V1_5_SHA_256';

/** The algorithms {@link verifySignature} understands. */
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = [
  'ED25519',
  'ECDSA_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_256',
];

/**
 * Something that signs `manifest.json`.
 *
 * `sign` receives both the SHA-256 digest of manifest.json and its bytes: digest signers (KMS
 * ECDSA / RSA with `MessageType: 'DIGEST'`) use the digest; Ed25519 signs the message itself,
 * because Ed25519 signs messages, not digests, and `openssl pkeyutl -verify -rawin` checks the
 * message. Either way the signature verifies over manifest.json with the openssl commands in
 * README.txt.
 */
export interface Signer {
  algorithm: SignatureAlgorithm;
  /** Key identifier recorded in the pack: a KMS key ARN, or `ed25519:sha256:<SPKI fingerprint>`. */
  keyId: string;
  /** SPKI public key, PEM. Informational inside the pack: verify only trusts a key it is given. */
  publicKeyPem: string;
  sign(digest: Buffer, message: Buffer): Promise<Buffer>;
}

/** Contents of `signature.json`. */
export interface SignatureRecord {
  schema: 'evidence-pack/signature@1';
  algorithm: SignatureAlgorithm;
  keyId: string;
  publicKeyPem: string;
  /** The file that was signed. */
  signedFile: 'manifest.json';
  /** SHA-256 (hex) of the signed file's bytes. */
  signedSha256: string;
  /** The same bytes as `manifest.json.sig`, base64. */
  signatureBase64: string;
  signatureFile: 'manifest.json.sig';
}

/** SHA-256 fingerprint of a public key's SPKI DER encoding, hex. */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** Canonical PEM form of a public key, so keys can be compared regardless of PEM line wrapping. */
export function normalizePublicKeyPem(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}

/** An Ed25519 signer from a PKCS#8 PEM private key. */
export function ed25519SignerFromPem(privateKeyPem: string): Signer {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`expected an Ed25519 private key, got ${key.asymmetricKeyType ?? 'a symmetric key'}`);
  }
  const publicKeyPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  return {
    algorithm: 'ED25519',
    keyId: `ed25519:sha256:${publicKeyFingerprint(publicKeyPem)}`,
    publicKeyPem,
    sign: (_digest, message) => Promise.resolve(cryptoSign(null, message, key)),
  };
}

/** An Ed25519 signer from a PEM PKCS#8 private key file (e.g. `openssl genpkey -algorithm ed25519`). */
export async function ed25519SignerFromFile(path: string): Promise<Signer> {
  return ed25519SignerFromPem(await readFile(path, 'utf8'));
}

/**
 * A signer backed by an AWS KMS asymmetric key (SIGN_VERIFY): ECC_NIST_P256 signs with
 * ECDSA_SHA_256, RSA keys with RSASSA_PKCS1_V1_5_SHA_256, always `MessageType: 'DIGEST'` over
 * the SHA-256 of manifest.json. Reads the public key once, up front, so a wrong key fails
 * before anything is written.
 *
 * @param kms a client configured by the caller (region, credentials, endpoint).
 * @param keyId key id, ARN, alias name or alias ARN.
 */
export async function kmsSigner(kms: KMSClient, keyId: string): Promise<Signer> {
  const info = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (info.KeyUsage !== undefined && info.KeyUsage !== 'SIGN_VERIFY') {
    throw new Error(`KMS key ${keyId} has usage ${info.KeyUsage}; a SIGN_VERIFY key is needed`);
  }
  const algorithm = kmsAlgorithmFor(info.KeySpec);
  if (!algorithm) {
    throw new Error(
      `KMS key ${keyId} has key spec ${info.KeySpec ?? 'unknown'}; use ECC_NIST_P256 or an RSA key`,
    );
  }
  if (info.SigningAlgorithms && !info.SigningAlgorithms.includes(algorithm)) {
    throw new Error(`KMS key ${keyId} does not support ${algorithm}`);
  }
  if (!info.PublicKey) throw new Error(`KMS GetPublicKey returned no public key for ${keyId}`);
  const publicKeyPem = createPublicKey({ key: Buffer.from(info.PublicKey), format: 'der', type: 'spki' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const arn = info.KeyId ?? keyId;
  return {
    algorithm,
    keyId: arn,
    publicKeyPem,
    async sign(digest) {
      const out = await kms.send(
        new SignCommand({ KeyId: arn, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: algorithm }),
      );
      if (!out.Signature) throw new Error(`KMS Sign returned no signature for ${arn}`);
      return Buffer.from(out.Signature);
    },
  };
}

type KmsSignatureAlgorithm = Exclude<SignatureAlgorithm, 'ED25519'>;

function kmsAlgorithmFor(keySpec: string | undefined): KmsSignatureAlgorithm | null {
  if (keySpec === 'ECC_NIST_P256') return 'ECDSA_SHA_256';
  if (keySpec?.startsWith('RSA_')) return 'RSASSA_PKCS1_V1_5_SHA_256';
  return null;
}

/** True when `algorithm` is one {@link verifySignature} can check. */
export function isSignatureAlgorithm(algorithm: unknown): algorithm is SignatureAlgorithm {
  return typeof algorithm === 'string' && (SIGNATURE_ALGORITHMS as readonly string[]).includes(algorithm);
}

/**
 * Checks a signature over `message` (the manifest.json bytes) with a public key, exactly as the
 * README's openssl commands do. ECDSA signatures are DER-encoded (what KMS and openssl produce).
 * Returns false, never throws, for a malformed signature or a key of the wrong type.
 */
export function verifySignature(
  algorithm: SignatureAlgorithm,
  publicKey: string | KeyObject,
  message: Buffer,
  signature: Buffer,
): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    const expectedType = { ED25519: 'ed25519', ECDSA_SHA_256: 'ec', RSASSA_PKCS1_V1_5_SHA_256: 'rsa' }[
      algorithm
    ];
    if (key.asymmetricKeyType !== expectedType) return false;
    return cryptoVerify(algorithm === 'ED25519' ? null : 'sha256', message, key, signature);
  } catch {
    return false;
  }
}
