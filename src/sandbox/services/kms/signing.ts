/**
 * KMS Sign / Verify semantics: signing algorithms, RAW messages (hashed here) and DIGEST messages
 * (already hashed by the caller, length checked), DER ECDSA signatures.
 */
import type { KeyObject } from 'node:crypto';
import { constants, createHash, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { SandboxError } from '../../types.ts';
import { ecdsaSignDigest, ecdsaVerifyDigest } from './ecdsa-digest.ts';
import {
  rsaPkcs1SignDigest,
  rsaPkcs1VerifyDigest,
  rsaPssSignDigest,
  rsaPssVerifyDigest,
} from './rsa-digest.ts';

type Scheme = 'ecdsa' | 'pss' | 'pkcs1';

interface SigningAlgorithm {
  scheme: Scheme;
  hash: 'sha256' | 'sha384' | 'sha512';
  digestLength: number;
}

const ALGORITHMS: Readonly<Record<string, SigningAlgorithm>> = {
  ECDSA_SHA_256: { scheme: 'ecdsa', hash: 'sha256', digestLength: 32 },
  ECDSA_SHA_384: { scheme: 'ecdsa', hash: 'sha384', digestLength: 48 },
  ECDSA_SHA_512: { scheme: 'ecdsa', hash: 'sha512', digestLength: 64 },
  RSASSA_PSS_SHA_256: { scheme: 'pss', hash: 'sha256', digestLength: 32 },
  RSASSA_PSS_SHA_384: { scheme: 'pss', hash: 'sha384', digestLength: 48 },
  RSASSA_PSS_SHA_512: { scheme: 'pss', hash: 'sha512', digestLength: 64 },
  RSASSA_PKCS1_V1_5_SHA_256: { scheme: 'pkcs1', hash: 'sha256', digestLength: 32 },
  RSASSA_PKCS1_V1_5_SHA_384: { scheme: 'pkcs1', hash: 'sha384', digestLength: 48 },
  RSASSA_PKCS1_V1_5_SHA_512: { scheme: 'pkcs1', hash: 'sha512', digestLength: 64 },
};

/** The largest RAW message KMS signs. */
const MAX_RAW_MESSAGE = 4096;

/** A message to sign or verify, as the request gives it. */
export interface SignInput {
  algorithm: string;
  messageType: 'RAW' | 'DIGEST';
  message: Buffer;
}

/** Sign with the key pair's private key; the signature KMS returns. */
export function signMessage(privateKey: KeyObject, input: SignInput): Buffer {
  const { alg, digest } = prepare(input);
  if (input.messageType === 'RAW') return nodeSign(alg.hash, input.message, nodeKeyOptions(privateKey, alg));
  if (alg.scheme === 'ecdsa') return ecdsaSignDigest(privateKey, digest);
  if (alg.scheme === 'pss') return rsaPssSignDigest(privateKey, alg.hash, digest);
  return rsaPkcs1SignDigest(privateKey, alg.hash, digest);
}

/** True when `signature` is valid for the message under the public key. */
export function verifyMessage(publicKey: KeyObject, input: SignInput, signature: Buffer): boolean {
  const { alg, digest } = prepare(input);
  if (input.messageType === 'RAW') {
    try {
      return nodeVerify(alg.hash, input.message, nodeKeyOptions(publicKey, alg), signature);
    } catch {
      return false;
    }
  }
  if (alg.scheme === 'ecdsa') return ecdsaVerifyDigest(publicKey, digest, signature);
  if (alg.scheme === 'pss') return rsaPssVerifyDigest(publicKey, alg.hash, digest, signature);
  return rsaPkcs1VerifyDigest(publicKey, alg.hash, digest, signature);
}

function prepare(input: SignInput): { alg: SigningAlgorithm; digest: Buffer } {
  const alg = ALGORITHMS[input.algorithm];
  if (!alg) throw new SandboxError('ValidationException', `Unknown signing algorithm ${input.algorithm}`);
  if (input.messageType === 'RAW') {
    if (input.message.length > MAX_RAW_MESSAGE) {
      throw new SandboxError(
        'ValidationException',
        `Message of ${input.message.length} bytes exceeds ${MAX_RAW_MESSAGE}; sign a DIGEST instead.`,
      );
    }
    return { alg, digest: createHash(alg.hash).update(input.message).digest() };
  }
  if (input.message.length !== alg.digestLength) {
    throw new SandboxError(
      'ValidationException',
      `Digest is invalid length for algorithm ${input.algorithm}.`,
    );
  }
  return { alg, digest: input.message };
}

function nodeKeyOptions(key: KeyObject, alg: SigningAlgorithm) {
  if (alg.scheme === 'ecdsa') return { key, dsaEncoding: 'der' as const };
  if (alg.scheme === 'pss')
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  return { key, padding: constants.RSA_PKCS1_PADDING };
}
