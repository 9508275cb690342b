/**
 * Sign-in tokens and console sessions of the sandbox console, kept per sandbox state (so two
 * sandboxes in one process never share sessions).
 */
import { randomBytes } from 'node:crypto';
import type { SandboxStateApi } from '../types.ts';

/** Who a sign-in token or console session acts as. */
export interface ConsolePrincipal {
  accountId: string;
  arn: string;
}

interface Expiring extends ConsolePrincipal {
  expiresAt: number;
}

interface ConsoleStore {
  signinTokens: Map<string, Expiring>;
  sessions: Map<string, Expiring>;
}

const stores = new WeakMap<SandboxStateApi, ConsoleStore>();

/** AWS sign-in tokens are valid for 15 minutes. */
export const SIGNIN_TOKEN_TTL_MS = 15 * 60_000;
/** Console sessions last 12 hours at most. */
export const CONSOLE_SESSION_TTL_MS = 12 * 60 * 60_000;

function storeOf(state: SandboxStateApi): ConsoleStore {
  let store = stores.get(state);
  if (!store) {
    store = { signinTokens: new Map(), sessions: new Map() };
    stores.set(state, store);
  }
  return store;
}

/** Issue a single-use sign-in token for `principal`. */
export function issueSigninToken(state: SandboxStateApi, principal: ConsolePrincipal): string {
  const token = randomBytes(48).toString('base64url');
  storeOf(state).signinTokens.set(token, {
    ...principal,
    expiresAt: state.now().getTime() + SIGNIN_TOKEN_TTL_MS,
  });
  return token;
}

/** Redeem a sign-in token (it is consumed) for a new console session id; `undefined` when invalid. */
export function redeemSigninToken(state: SandboxStateApi, token: string): string | undefined {
  const store = storeOf(state);
  const entry = store.signinTokens.get(token);
  store.signinTokens.delete(token);
  if (!entry || entry.expiresAt <= state.now().getTime()) return undefined;
  const sessionId = randomBytes(32).toString('base64url');
  store.sessions.set(sessionId, {
    accountId: entry.accountId,
    arn: entry.arn,
    expiresAt: state.now().getTime() + CONSOLE_SESSION_TTL_MS,
  });
  return sessionId;
}

/** The principal of a live console session. */
export function sessionPrincipal(
  state: SandboxStateApi,
  sessionId: string | undefined,
): ConsolePrincipal | undefined {
  if (!sessionId) return undefined;
  const entry = storeOf(state).sessions.get(sessionId);
  if (!entry || entry.expiresAt <= state.now().getTime()) return undefined;
  return { accountId: entry.accountId, arn: entry.arn };
}
