/**
 * Who is calling: the SigV4 credential scope (access key, region, service) read from the
 * `Authorization` header or a presigned URL, resolved to a caller. Signatures are not verified.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import type { SandboxState } from './state.ts';
import type { Caller } from './types.ts';

/** The parts of a SigV4 credential scope the sandbox uses. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** Why a request could not be authenticated. */
export type AuthFailure = 'missing' | 'unknown-key' | 'expired';

/** The authenticated caller and region, or why there is none. */
export type AuthResult =
  | { ok: true; caller: Caller; region: string; scope: CredentialScope }
  | { ok: false; failure: AuthFailure; scope?: CredentialScope | undefined };

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

/** Read the credential scope from the Authorization header or `X-Amz-Credential` query parameter. */
export function parseCredentialScope(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): CredentialScope | undefined {
  const header = headers.authorization;
  const source =
    header ?? (query.get('X-Amz-Credential') ? `Credential=${query.get('X-Amz-Credential')}` : '');
  const match = CREDENTIAL.exec(source);
  if (!match) return undefined;
  const [, accessKeyId, date, region, service] = match;
  if (!accessKeyId || !date || !region || !service) return undefined;
  return { accessKeyId, date, region, service };
}

/** Stable fake IAM unique id (e.g. `AIDA...`) derived from a seed. */
export function uniqueId(prefix: string, seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; out.length < 21; i++) out += alphabet[(digest[i] ?? 0) % alphabet.length];
  return out;
}

/** The identity of a long-term access key: an IAM user of the default account. */
export function longTermCaller(accountId: string, accessKeyId: string): Caller {
  return {
    accountId,
    arn: `arn:aws:iam::${accountId}:user/sandbox-user`,
    userId: uniqueId('AIDA', `${accountId}:sandbox-user`),
    accessKeyId,
    temporary: false,
  };
}

/**
 * Resolve the caller. Keys issued by the sandbox's STS act as their principal until they expire;
 * any other `ASIA` key is unknown (as an expired session after a restart would be); every other
 * key is a long-term key of the default account.
 */
export function authenticate(
  state: SandboxState,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): AuthResult {
  const scope = parseCredentialScope(headers, query);
  if (!scope) return { ok: false, failure: 'missing' };
  const issued = state.issuedCredentials.get(scope.accessKeyId);
  if (issued) {
    if (issued.expiration.getTime() <= state.now().getTime()) return { ok: false, failure: 'expired', scope };
    return { ok: true, caller: issued.caller, region: scope.region, scope };
  }
  if (scope.accessKeyId.startsWith('ASIA')) return { ok: false, failure: 'unknown-key', scope };
  return {
    ok: true,
    caller: longTermCaller(state.defaultAccountId, scope.accessKeyId),
    region: scope.region,
    scope,
  };
}
