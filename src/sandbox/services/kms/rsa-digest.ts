/**
 * RSA signatures over a caller-supplied digest (KMS `MessageType: DIGEST`): PKCS #1 v1.5 with the
 * DigestInfo prefix and PSS (RFC 8017 EMSA-PSS, MGF1 with the same hash, salt as long as the hash,
 * as KMS uses) built here, then the raw RSA operation from node:crypto.
 */
import type { KeyObject } from 'node:crypto';
import {
  constants,
  createHash,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1). */
const DIGEST_INFO: Readonly<Record<string, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/** PKCS #1 v1.5 signature of a digest. */
export function rsaPkcs1SignDigest(privateKey: KeyObject, hash: string, digest: Buffer): Buffer {
  return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo(hash, digest));
}

/** Verify a PKCS #1 v1.5 signature of a digest. */
export function rsaPkcs1VerifyDigest(
  publicKey: KeyObject,
  hash: string,
  digest: Buffer,
  signature: Buffer,
): boolean {
  try {
    const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
    const expected = digestInfo(hash, digest);
    return recovered.length === expected.length && timingSafeEqual(recovered, expected);
  } catch {
    return false;
  }
}

/** PSS signature of a digest. */
export function rsaPssSignDigest(privateKey: KeyObject, hash: string, digest: Buffer): Buffer {
  const modBits = modulusBits(privateKey);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = digest.length;
  const salt = randomBytes(hLen);
  const h = createHash(hash)
    .update(Buffer.concat([Buffer.alloc(8), digest, salt]))
    .digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
  const masked = xor(db, mgf1(hash, h, emLen - hLen - 1));
  masked[0] = (masked[0] ?? 0) & (0xff >> (8 * emLen - emBits));
  const em = Buffer.concat([masked, h, Buffer.from([0xbc])]);
  const k = Math.ceil(modBits / 8);
  return privateEncrypt(
    { key: privateKey, padding: constants.RSA_NO_PADDING },
    Buffer.concat([Buffer.alloc(k - emLen), em]),
  );
}

/** Verify a PSS signature of a digest (salt length = hash length). */
export function rsaPssVerifyDigest(
  publicKey: KeyObject,
  hash: string,
  digest: Buffer,
  signature: Buffer,
): boolean {
  const modBits = modulusBits(publicKey);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = digest.length;
  let decoded: Buffer;
  try {
    decoded = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false;
  }
  const em = decoded.subarray(decoded.length - emLen);
  if (em[em.length - 1] !== 0xbc || emLen < 2 * hLen + 2) return false;
  const masked = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const db = xor(masked, mgf1(hash, h, emLen - hLen - 1));
  db[0] = (db[0] ?? 0) & (0xff >> (8 * emLen - emBits));
  const separator = emLen - 2 * hLen - 2;
  if (db.subarray(0, separator).some((b) => b !== 0) || db[separator] !== 1) return false;
  const salt = db.subarray(separator + 1);
  const expected = createHash(hash)
    .update(Buffer.concat([Buffer.alloc(8), digest, salt]))
    .digest();
  return timingSafeEqual(expected, h);
}

function digestInfo(hash: string, digest: Buffer): Buffer {
  const prefix = DIGEST_INFO[hash];
  if (!prefix) throw new Error(`unsupported hash ${hash}`);
  return Buffer.concat([Buffer.from(prefix, 'hex'), digest]);
}

function modulusBits(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new Error('not an RSA key');
  return bits;
}

function mgf1(hash: string, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * seed.length < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(
      createHash(hash)
        .update(Buffer.concat([seed, c]))
        .digest(),
    );
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}
