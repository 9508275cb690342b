/**
 * ECDSA over a caller-supplied digest (KMS `MessageType: DIGEST`). node:crypto always hashes the
 * input for ECDSA, so the sandbox does the curve arithmetic itself; signatures are DER-encoded
 * (`Ecdsa-Sig-Value`), exactly what KMS returns and what openssl / node:crypto verify.
 */
import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import type { CurveParams } from './curve-params.ts';
import { CURVES } from './curve-params.ts';

type Point = { x: bigint; y: bigint } | null;

/** Sign `digest` with the EC private key; DER signature. */
export function ecdsaSignDigest(privateKey: KeyObject, digest: Buffer): Buffer {
  const curve = curveOf(privateKey);
  const d = fromBase64Url(requiredJwk(privateKey, 'd'));
  const z = digestToInt(digest, curve.n);
  for (;;) {
    const k = randomScalar(curve.n);
    const r = mod(multiply(curve, k, { x: curve.gx, y: curve.gy })?.x ?? 0n, curve.n);
    if (r === 0n) continue;
    const s = mod(invert(k, curve.n) * (z + r * d), curve.n);
    if (s === 0n) continue;
    return derSignature(r, s);
  }
}

/** Verify a DER signature over `digest` with the EC public key. */
export function ecdsaVerifyDigest(publicKey: KeyObject, digest: Buffer, signature: Buffer): boolean {
  const curve = curveOf(publicKey);
  const parsed = parseDerSignature(signature);
  if (!parsed) return false;
  const { r, s } = parsed;
  if (r <= 0n || r >= curve.n || s <= 0n || s >= curve.n) return false;
  const q = { x: fromBase64Url(requiredJwk(publicKey, 'x')), y: fromBase64Url(requiredJwk(publicKey, 'y')) };
  const w = invert(s, curve.n);
  const z = digestToInt(digest, curve.n);
  const point = add(
    curve,
    multiply(curve, mod(z * w, curve.n), { x: curve.gx, y: curve.gy }),
    multiply(curve, mod(r * w, curve.n), q),
  );
  return point !== null && mod(point.x, curve.n) === r;
}

function curveOf(key: KeyObject): CurveParams {
  const name = key.asymmetricKeyDetails?.namedCurve;
  const curve = name ? CURVES[name] : undefined;
  if (!curve) throw new Error(`unsupported curve ${name ?? '(none)'}`);
  return curve;
}

function requiredJwk(key: KeyObject, member: 'd' | 'x' | 'y'): string {
  const jwk = key.export({ format: 'jwk' });
  const value = jwk[member];
  if (typeof value !== 'string') throw new Error(`EC key has no ${member}`);
  return value;
}

function fromBase64Url(text: string): bigint {
  return BigInt(`0x${Buffer.from(text, 'base64url').toString('hex') || '0'}`);
}

/** The leftmost bits of the digest, as many as the order has (SEC 1, 4.1.3 step 5). */
function digestToInt(digest: Buffer, n: bigint): bigint {
  let z = BigInt(`0x${digest.toString('hex') || '0'}`);
  const excess = digest.length * 8 - n.toString(2).length;
  if (excess > 0) z >>= BigInt(excess);
  return z;
}

function randomScalar(n: bigint): bigint {
  const bytes = Math.ceil(n.toString(2).length / 8) + 8;
  return mod(BigInt(`0x${randomBytes(bytes).toString('hex')}`), n - 1n) + 1n;
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function invert(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS, m);
}

function add(c: CurveParams, p1: Point, p2: Point): Point {
  if (p1 === null) return p2;
  if (p2 === null) return p1;
  if (p1.x === p2.x) {
    if (mod(p1.y + p2.y, c.p) === 0n) return null;
    const l = mod((3n * p1.x * p1.x + c.a) * invert(2n * p1.y, c.p), c.p);
    const x = mod(l * l - 2n * p1.x, c.p);
    return { x, y: mod(l * (p1.x - x) - p1.y, c.p) };
  }
  const l = mod((p2.y - p1.y) * invert(p2.x - p1.x, c.p), c.p);
  const x = mod(l * l - p1.x - p2.x, c.p);
  return { x, y: mod(l * (p1.x - x) - p1.y, c.p) };
}

function multiply(c: CurveParams, k: bigint, point: Point): Point {
  let result: Point = null;
  let addend = point;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(c, result, addend);
    addend = add(c, addend, addend);
  }
  return result;
}

function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02]), derLength(bytes.length), bytes]);
}

function derLength(length: number): Buffer {
  return length < 0x80 ? Buffer.from([length]) : Buffer.from([0x81, length]);
}

function parseDerSignature(der: Buffer): { r: bigint; s: bigint } | undefined {
  let offset = 0;
  const readLength = (): number | undefined => {
    const first = der[offset++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    if (first === 0x81) return der[offset++];
    return undefined;
  };
  const readInteger = (): bigint | undefined => {
    if (der[offset++] !== 0x02) return undefined;
    const length = readLength();
    if (length === undefined || length === 0 || offset + length > der.length) return undefined;
    const value = BigInt(`0x${der.subarray(offset, offset + length).toString('hex')}`);
    offset += length;
    return value;
  };
  if (der[offset++] !== 0x30) return undefined;
  const total = readLength();
  if (total === undefined || offset + total !== der.length) return undefined;
  const r = readInteger();
  const s = readInteger();
  if (r === undefined || s === undefined || offset !== der.length) return undefined;
  return { r, s };
}
