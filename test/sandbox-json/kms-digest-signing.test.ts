import { constants, createHash, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signMessage, verifyMessage } from '../../src/sandbox/services/kms/signing.ts';

// DIGEST signing is computed by the sandbox itself (node:crypto always hashes); node:crypto, which
// hashes the message, must accept those signatures over the original message.
describe('KMS DIGEST signatures verify with node:crypto over the original message', () => {
  const message = Buffer.from('the original message');
  const cases = [
    { curve: 'prime256v1', algorithm: 'ECDSA_SHA_256', hash: 'sha256' },
    { curve: 'secp384r1', algorithm: 'ECDSA_SHA_384', hash: 'sha384' },
    { curve: 'secp521r1', algorithm: 'ECDSA_SHA_512', hash: 'sha512' },
    { curve: 'secp256k1', algorithm: 'ECDSA_SHA_256', hash: 'sha256' },
  ];
  for (const { curve, algorithm, hash } of cases) {
    it(`${algorithm} on ${curve}`, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const digest = createHash(hash).update(message).digest();
      const signature = signMessage(privateKey, { algorithm, messageType: 'DIGEST', message: digest });
      expect(nodeVerify(hash, message, publicKey, signature)).toBe(true);
      expect(verifyMessage(publicKey, { algorithm, messageType: 'DIGEST', message: digest }, signature)).toBe(
        true,
      );
      const raw = signMessage(privateKey, { algorithm, messageType: 'RAW', message });
      expect(verifyMessage(publicKey, { algorithm, messageType: 'DIGEST', message: digest }, raw)).toBe(true);
      const otherDigest = createHash(hash).update('other').digest();
      expect(
        verifyMessage(publicKey, { algorithm, messageType: 'DIGEST', message: otherDigest }, signature),
      ).toBe(false);
    });
  }

  it('RSASSA_PSS_SHA_384 and RSASSA_PKCS1_V1_5_SHA_512 over digests', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const d384 = createHash('sha384').update(message).digest();
    const pss = signMessage(privateKey, {
      algorithm: 'RSASSA_PSS_SHA_384',
      messageType: 'DIGEST',
      message: d384,
    });
    expect(
      nodeVerify(
        'sha384',
        message,
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 },
        pss,
      ),
    ).toBe(true);
    expect(
      verifyMessage(
        publicKey,
        { algorithm: 'RSASSA_PSS_SHA_384', messageType: 'DIGEST', message: d384 },
        pss,
      ),
    ).toBe(true);
    const d512 = createHash('sha512').update(message).digest();
    const pkcs = signMessage(privateKey, {
      algorithm: 'RSASSA_PKCS1_V1_5_SHA_512',
      messageType: 'DIGEST',
      message: d512,
    });
    expect(nodeVerify('sha512', message, publicKey, pkcs)).toBe(true);
    const other512 = createHash('sha512').update('other').digest();
    expect(
      verifyMessage(
        publicKey,
        { algorithm: 'RSASSA_PKCS1_V1_5_SHA_512', messageType: 'DIGEST', message: other512 },
        pkcs,
      ),
    ).toBe(false);
    expect(() =>
      verifyMessage(
        publicKey,
        { algorithm: 'RSASSA_PKCS1_V1_5_SHA_512', messageType: 'DIGEST', message: d384 },
        pkcs,
      ),
    ).toThrow(/invalid length/);
  });
});
