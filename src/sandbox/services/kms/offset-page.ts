/**
 * Offset pagination with opaque tokens, as the JSON services use (KMS `Marker`/`NextMarker`,
 * Config and CloudTrail `NextToken`). A token names the offset of the next item and the listing it
 * belongs to, so a token from another listing is refused like AWS refuses a foreign token.
 */
import { SandboxError } from '../../types.ts';

/** One page of a listing and the token of the next page, if any. */
export interface Page<T> {
  items: T[];
  nextToken?: string | undefined;
}

/**
 * Cut `items` into the page starting at `token` with at most `limit` items.
 * @param scope names the listing (e.g. `ListKeys:us-east-1`) so tokens are not interchangeable.
 * @param invalidTokenCode the service's error for a bad token (`InvalidMarkerException`, `InvalidNextTokenException`).
 */
export function pageOf<T>(
  items: readonly T[],
  token: string | undefined,
  limit: number,
  scope: string,
  invalidTokenCode: string,
): Page<T> {
  const start = token === undefined || token === '' ? 0 : decodeOffset(token, scope, invalidTokenCode);
  const end = start + limit;
  const page = items.slice(start, end);
  return { items: page, nextToken: end < items.length ? encodeOffset(end, scope) : undefined };
}

function encodeOffset(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset }), 'utf8').toString('base64url');
}

function decodeOffset(token: string, scope: string, code: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      s?: unknown;
      o?: unknown;
    };
    if (parsed.s === scope && typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0)
      return parsed.o;
  } catch {
    // fall through to the AWS error
  }
  throw new SandboxError(code, 'The pagination token is invalid.');
}
