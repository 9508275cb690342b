/**
 * Cryptographic operations: Sign, Verify, GetPublicKey, Encrypt, Decrypt, GenerateDataKey,
 * GenerateDataKeyWithoutPlaintext, GenerateMac, VerifyMac. Blobs travel base64 in JSON 1.1.
 */
import {
  constants,
  createHmac,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { SandboxError } from '../../../types.ts';
import type { KmsCall } from '../call.ts';
import { blobKeyId, openBlob, sealBlob } from '../envelope.ts';
import { optionalNumber, optionalObject, optionalString, requiredBlob, requiredString } from '../input.ts';
import { assertNotPending, assertUsableFor } from '../key-guards.ts';
import { algorithmsFor } from '../key-specs.ts';
import { resolveKey } from '../resolve-key.ts';
import { signMessage, verifyMessage } from '../signing.ts';
import type { KmsKey } from '../store.ts';

const MAX_PLAINTEXT = 4096;

export function sign(call: KmsCall): unknown {
  const { input } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: true });
  assertUsableFor(key, 'SIGN_VERIFY');
  const signing = signInput(key, input);
  const pair = asymmetric(key);
  return {
    KeyId: key.arn,
    Signature: signMessage(pair.privateKey, signing).toString('base64'),
    SigningAlgorithm: signing.algorithm,
  };
}

export function verify(call: KmsCall): unknown {
  const { input } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: true });
  assertUsableFor(key, 'SIGN_VERIFY');
  const signing = signInput(key, input);
  const signature = requiredBlob(input, 'Signature');
  if (!verifyMessage(asymmetric(key).publicKey, signing, signature)) {
    throw new SandboxError('KMSInvalidSignatureException', 'The signature verification failed.');
  }
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: signing.algorithm };
}

export function getPublicKey(call: KmsCall): unknown {
  const key = resolveKey(call, requiredString(call.req.input, 'KeyId'), { allowAlias: true });
  assertNotPending(key);
  if (key.keyState === 'Disabled') throw new SandboxError('DisabledException', `${key.arn} is disabled.`);
  if (key.material.kind !== 'asymmetric') {
    throw new SandboxError(
      'UnsupportedOperationException',
      `${key.arn} key spec is ${key.keySpec}; only asymmetric KMS keys have a public key.`,
    );
  }
  const der = key.material.publicKey.export({ format: 'der', type: 'spki' });
  return {
    KeyId: key.arn,
    PublicKey: der.toString('base64'),
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
    ...algorithmsFor(key.keySpec, key.keyUsage),
  };
}

export function encrypt(call: KmsCall): unknown {
  const { input } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: true });
  assertUsableFor(key, 'ENCRYPT_DECRYPT');
  const plaintext = requiredBlob(input, 'Plaintext');
  if (plaintext.length === 0 || plaintext.length > MAX_PLAINTEXT) {
    throw new SandboxError('ValidationException', `Plaintext must be between 1 and ${MAX_PLAINTEXT} bytes.`);
  }
  const algorithm = encryptionAlgorithm(key, optionalString(input, 'EncryptionAlgorithm'));
  return {
    KeyId: key.arn,
    CiphertextBlob: encryptWith(key, algorithm, plaintext, contextOf(input)).toString('base64'),
    EncryptionAlgorithm: algorithm,
  };
}

export function decrypt(call: KmsCall): unknown {
  const { input } = call.req;
  const blob = requiredBlob(input, 'CiphertextBlob');
  const keyRef = optionalString(input, 'KeyId');
  const embedded = blobKeyId(blob);
  if (keyRef === undefined && embedded === undefined) {
    throw new SandboxError(
      'InvalidCiphertextException',
      'The ciphertext is invalid or was not produced by a symmetric KMS key.',
    );
  }
  const key = resolveKey(call, keyRef ?? embedded ?? '', { allowAlias: true });
  if (embedded !== undefined && key.keyId !== embedded) {
    throw new SandboxError(
      'IncorrectKeyException',
      'The key ID in the request does not identify a KMS key that can perform this operation.',
    );
  }
  assertUsableFor(key, 'ENCRYPT_DECRYPT');
  const algorithm = encryptionAlgorithm(key, optionalString(input, 'EncryptionAlgorithm'));
  const plaintext = decryptWith(key, algorithm, blob, contextOf(input));
  if (!plaintext)
    throw new SandboxError('InvalidCiphertextException', 'The ciphertext could not be decrypted.');
  return { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: algorithm };
}

export function generateDataKey(call: KmsCall): unknown {
  const { key, plaintext, blob } = dataKey(call);
  return { KeyId: key.arn, CiphertextBlob: blob.toString('base64'), Plaintext: plaintext.toString('base64') };
}

export function generateDataKeyWithoutPlaintext(call: KmsCall): unknown {
  const { key, blob } = dataKey(call);
  return { KeyId: key.arn, CiphertextBlob: blob.toString('base64') };
}

export function generateMac(call: KmsCall): unknown {
  const { input } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: true });
  assertUsableFor(key, 'GENERATE_VERIFY_MAC');
  const algorithm = requiredString(input, 'MacAlgorithm');
  return {
    KeyId: key.arn,
    Mac: mac(key, algorithm, requiredBlob(input, 'Message')).toString('base64'),
    MacAlgorithm: algorithm,
  };
}

export function verifyMac(call: KmsCall): unknown {
  const { input } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: true });
  assertUsableFor(key, 'GENERATE_VERIFY_MAC');
  const algorithm = requiredString(input, 'MacAlgorithm');
  const expected = mac(key, algorithm, requiredBlob(input, 'Message'));
  const given = requiredBlob(input, 'Mac');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SandboxError('KMSInvalidMacException', 'The MAC verification failed.');
  }
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: algorithm };
}

function signInput(key: KmsKey, input: Record<string, unknown>) {
  const algorithm = requiredString(input, 'SigningAlgorithm');
  if (!(algorithmsFor(key.keySpec, key.keyUsage).SigningAlgorithms ?? []).includes(algorithm)) {
    throw new SandboxError(
      'InvalidKeyUsageException',
      `Signing algorithm ${algorithm} is not valid for ${key.arn} (key spec ${key.keySpec}).`,
    );
  }
  const messageType = optionalString(input, 'MessageType') ?? 'RAW';
  if (messageType !== 'RAW' && messageType !== 'DIGEST') {
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value '${messageType}' at 'messageType' failed to satisfy constraint`,
    );
  }
  return { algorithm, messageType, message: requiredBlob(input, 'Message') } as const;
}

function asymmetric(key: KmsKey) {
  if (key.material.kind !== 'asymmetric')
    throw new SandboxError('KMSInvalidStateException', `${key.arn} has no key material.`);
  return key.material;
}

function encryptionAlgorithm(key: KmsKey, requested: string | undefined): string {
  const allowed = algorithmsFor(key.keySpec, key.keyUsage).EncryptionAlgorithms ?? [];
  const algorithm = requested ?? 'SYMMETRIC_DEFAULT';
  if (!allowed.includes(algorithm)) {
    throw new SandboxError(
      'InvalidKeyUsageException',
      `Encryption algorithm ${algorithm} is not valid for ${key.arn} (key spec ${key.keySpec}).`,
    );
  }
  return algorithm;
}

function encryptWith(
  key: KmsKey,
  algorithm: string,
  plaintext: Buffer,
  context: Record<string, string>,
): Buffer {
  if (key.material.kind === 'symmetric') return sealBlob(key.keyId, key.material.secret, plaintext, context);
  if (key.material.kind !== 'asymmetric')
    throw new SandboxError('KMSInvalidStateException', `${key.arn} has no key material.`);
  return publicEncrypt(
    { key: key.material.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) },
    plaintext,
  );
}

function decryptWith(
  key: KmsKey,
  algorithm: string,
  blob: Buffer,
  context: Record<string, string>,
): Buffer | undefined {
  if (key.material.kind === 'symmetric') return openBlob(blob, key.material.secret, context);
  if (key.material.kind !== 'asymmetric') return undefined;
  try {
    return privateDecrypt(
      {
        key: key.material.privateKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: oaepHash(algorithm),
      },
      blob,
    );
  } catch {
    return undefined;
  }
}

function oaepHash(algorithm: string): string {
  return algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
}

function dataKey(call: KmsCall) {
  const { input } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: true });
  assertUsableFor(key, 'ENCRYPT_DECRYPT');
  if (key.material.kind !== 'symmetric') {
    throw new SandboxError(
      'InvalidKeyUsageException',
      `${key.arn} key spec is ${key.keySpec}; data keys need a symmetric KMS key.`,
    );
  }
  const spec = optionalString(input, 'KeySpec');
  const bytes =
    optionalNumber(input, 'NumberOfBytes') ?? (spec === 'AES_128' ? 16 : spec === 'AES_256' ? 32 : undefined);
  if (bytes === undefined || (spec !== undefined && optionalNumber(input, 'NumberOfBytes') !== undefined)) {
    throw new SandboxError('ValidationException', 'Specify either KeySpec or NumberOfBytes.');
  }
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024)
    throw new SandboxError('ValidationException', 'NumberOfBytes must be between 1 and 1024.');
  const plaintext = randomBytes(bytes);
  return { key, plaintext, blob: sealBlob(key.keyId, key.material.secret, plaintext, contextOf(input)) };
}

function mac(key: KmsKey, algorithm: string, message: Buffer): Buffer {
  if (!(algorithmsFor(key.keySpec, key.keyUsage).MacAlgorithms ?? []).includes(algorithm)) {
    throw new SandboxError(
      'InvalidKeyUsageException',
      `MAC algorithm ${algorithm} is not valid for ${key.arn}.`,
    );
  }
  if (key.material.kind !== 'hmac')
    throw new SandboxError('KMSInvalidStateException', `${key.arn} has no key material.`);
  return createHmac(algorithm.replace('HMAC_SHA_', 'sha'), key.material.secret).update(message).digest();
}

function contextOf(input: Record<string, unknown>): Record<string, string> {
  const context = optionalObject(input, 'EncryptionContext') ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(context)) {
    if (typeof v !== 'string')
      throw new SandboxError('ValidationException', 'EncryptionContext values must be strings.');
    out[k] = v;
  }
  return out;
}
