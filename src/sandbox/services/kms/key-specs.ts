/**
 * The key specs the sandbox supports, with the usages and algorithms AWS allows for each.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyMaterial } from './store.ts';

/** What AWS allows for one KeySpec. */
export interface KeySpecInfo {
  usages: readonly string[];
  encryptionAlgorithms?: readonly string[];
  signingAlgorithms?: readonly string[];
  macAlgorithms?: readonly string[];
  generate(usage: string): KeyMaterial;
}

const RSA_SIGNING = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
] as const;
const RSA_ENCRYPTION = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] as const;

function rsa(bits: number): KeySpecInfo {
  return {
    usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
    encryptionAlgorithms: RSA_ENCRYPTION,
    signingAlgorithms: RSA_SIGNING,
    generate: () => ({ kind: 'asymmetric', ...generateKeyPairSync('rsa', { modulusLength: bits }) }),
  };
}

function ecc(namedCurve: string, algorithm: string): KeySpecInfo {
  return {
    usages: ['SIGN_VERIFY'],
    signingAlgorithms: [algorithm],
    generate: () => ({ kind: 'asymmetric', ...generateKeyPairSync('ec', { namedCurve }) }),
  };
}

function hmac(bits: number): KeySpecInfo {
  return {
    usages: ['GENERATE_VERIFY_MAC'],
    macAlgorithms: [`HMAC_SHA_${bits}`],
    generate: () => ({ kind: 'hmac', secret: randomBytes(bits / 8) }),
  };
}

/** Supported KeySpec values. */
export const KEY_SPECS: Readonly<Record<string, KeySpecInfo>> = {
  SYMMETRIC_DEFAULT: {
    usages: ['ENCRYPT_DECRYPT'],
    encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    generate: () => ({ kind: 'symmetric', secret: randomBytes(32) }),
  },
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
  ECC_NIST_P256: ecc('prime256v1', 'ECDSA_SHA_256'),
  ECC_NIST_P384: ecc('secp384r1', 'ECDSA_SHA_384'),
  ECC_NIST_P521: ecc('secp521r1', 'ECDSA_SHA_512'),
  ECC_SECG_P256K1: ecc('secp256k1', 'ECDSA_SHA_256'),
  HMAC_224: hmac(224),
  HMAC_256: hmac(256),
  HMAC_384: hmac(384),
  HMAC_512: hmac(512),
};

/** The algorithms DescribeKey and GetPublicKey list for a key of `spec` used for `usage`. */
export function algorithmsFor(
  spec: string,
  usage: string,
): {
  EncryptionAlgorithms?: string[];
  SigningAlgorithms?: string[];
  MacAlgorithms?: string[];
} {
  const info = KEY_SPECS[spec];
  if (!info) return {};
  if (usage === 'ENCRYPT_DECRYPT') return { EncryptionAlgorithms: [...(info.encryptionAlgorithms ?? [])] };
  if (usage === 'SIGN_VERIFY') return { SigningAlgorithms: [...(info.signingAlgorithms ?? [])] };
  return { MacAlgorithms: [...(info.macAlgorithms ?? [])] };
}
