/**
 * Symmetric ciphertext blobs. Like KMS, the blob names the key that encrypted it, so Decrypt needs
 * no KeyId; the encryption context is bound as additional authenticated data (AES-256-GCM).
 * Layout: `SBX1` | key id length (1 byte) | key id | IV (12) | tag (16) | ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const MAGIC = Buffer.from('SBX1', 'ascii');

/** Encrypt `plaintext` under the key's secret. */
export function sealBlob(
  keyId: string,
  secret: Buffer,
  plaintext: Buffer,
  context: Record<string, string>,
): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  cipher.setAAD(contextBytes(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const id = Buffer.from(keyId, 'utf8');
  return Buffer.concat([MAGIC, Buffer.from([id.length]), id, iv, cipher.getAuthTag(), ciphertext]);
}

/** The key id a blob names, or `undefined` when the blob is not a sandbox ciphertext. */
export function blobKeyId(blob: Buffer): string | undefined {
  if (blob.length < MAGIC.length + 1 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const length = blob[MAGIC.length] ?? 0;
  if (blob.length < MAGIC.length + 1 + length + 28) return undefined;
  return blob.subarray(MAGIC.length + 1, MAGIC.length + 1 + length).toString('utf8');
}

/** Decrypt a blob; `undefined` when it does not authenticate (wrong key or context, tampering). */
export function openBlob(blob: Buffer, secret: Buffer, context: Record<string, string>): Buffer | undefined {
  const keyId = blobKeyId(blob);
  if (keyId === undefined) return undefined;
  let offset = MAGIC.length + 1 + Buffer.byteLength(keyId, 'utf8');
  const iv = blob.subarray(offset, (offset += 12));
  const tag = blob.subarray(offset, (offset += 16));
  try {
    const decipher = createDecipheriv('aes-256-gcm', secret, iv);
    decipher.setAAD(contextBytes(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(blob.subarray(offset)), decipher.final()]);
  } catch {
    return undefined;
  }
}

function contextBytes(context: Record<string, string>): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}
