/**
 * STS over the Query protocol: GetCallerIdentity, AssumeRole (into any account, which comes into
 * being on first use; refused for a role the account is known not to have) and
 * GetFederationToken. Issued credentials are remembered in the state so later requests signed
 * with them act as the assumed principal.
 */
import { randomBytes } from 'node:crypto';
import { uniqueId } from '../auth.ts';
import { accountStateAt } from '../organizations/model.ts';
import { authError } from '../protocols/call.ts';
import type { IncomingCall, RoutedCall } from '../protocols/call.ts';
import { queryParams, renderQueryError, renderQueryResult } from '../protocols/query.ts';
import type { IssuedCredentials, SandboxState } from '../state.ts';
import { SandboxError } from '../types.ts';
import type { Caller } from '../types.ts';
import type { XmlNode } from '../xml.ts';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const FEDERATED_NAME = /^[\w+=,.@-]{2,32}$/;

function validation(message: string): SandboxError {
  return new SandboxError('ValidationError', message, 400);
}

function durationSeconds(params: URLSearchParams, min: number, max: number, fallback: number): number {
  const raw = params.get('DurationSeconds');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw validation(
      `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint`,
    );
  }
  return value;
}

function randomKey(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(16);
  return prefix + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

function issue(
  state: SandboxState,
  caller: Omit<Caller, 'accessKeyId' | 'temporary'>,
  seconds: number,
): IssuedCredentials {
  const accessKeyId = randomKey('ASIA');
  const issued: IssuedCredentials = {
    accessKeyId,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `sandbox-session/${randomBytes(48).toString('base64')}`,
    expiration: new Date(state.now().getTime() + seconds * 1000),
    caller: { ...caller, accessKeyId, temporary: true },
  };
  state.account(caller.accountId);
  state.issuedCredentials.set(accessKeyId, issued);
  return issued;
}

function credentialsXml(issued: IssuedCredentials): XmlNode {
  return {
    AccessKeyId: issued.accessKeyId,
    SecretAccessKey: issued.secretAccessKey,
    SessionToken: issued.sessionToken,
    Expiration: issued.expiration.toISOString(),
  };
}

/**
 * Whether the role can be assumed: not when the account's roles are known and this is not one of
 * them, nor when the account is an organization member that is no longer ACTIVE (suspended or
 * closed accounts cannot be signed in to).
 */
function canAssume(state: SandboxState, accountId: string, roleName: string): boolean {
  const roles = state.accounts.get(accountId)?.roles;
  if (roles && !roles.has(roleName)) return false;
  const member = state.organization?.accounts.get(accountId);
  return !member || accountStateAt(member, state.now()) === 'ACTIVE';
}

type StsHandler = (params: URLSearchParams, caller: Caller, state: SandboxState) => XmlNode;

const HANDLERS: Record<string, StsHandler> = {
  GetCallerIdentity: (_params, caller) => ({
    UserId: caller.userId,
    Account: caller.accountId,
    Arn: caller.arn,
  }),

  AssumeRole(params, caller, state) {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const match = ROLE_ARN.exec(roleArn);
    if (!match?.[1] || !match[2]) throw validation(`${roleArn} is invalid`);
    if (!SESSION_NAME.test(sessionName))
      throw validation(`Value '${sessionName}' at 'roleSessionName' is invalid`);
    const [, accountId, roleName] = match;
    if (!canAssume(state, accountId, roleName)) {
      throw new SandboxError(
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    }
    const roleId = uniqueId('AROA', roleArn);
    const arn = `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
    const seconds = durationSeconds(params, 900, 43200, 3600);
    const issued = issue(state, { accountId, arn, userId: `${roleId}:${sessionName}` }, seconds);
    return {
      Credentials: credentialsXml(issued),
      AssumedRoleUser: { AssumedRoleId: `${roleId}:${sessionName}`, Arn: arn },
    };
  },

  GetFederationToken(params, caller, state) {
    if (caller.temporary) {
      throw new SandboxError('AccessDenied', 'Cannot call GetFederationToken with session credentials', 403);
    }
    const name = params.get('Name') ?? '';
    if (!FEDERATED_NAME.test(name)) throw validation(`Value '${name}' at 'name' is invalid`);
    const arn = `arn:aws:sts::${caller.accountId}:federated-user/${name}`;
    const seconds = durationSeconds(params, 900, 129600, 43200);
    const issued = issue(
      state,
      { accountId: caller.accountId, arn, userId: `${caller.accountId}:${name}` },
      seconds,
    );
    return {
      Credentials: credentialsXml(issued),
      FederatedUser: { FederatedUserId: `${caller.accountId}:${name}`, Arn: arn },
      PackedPolicySize: '0',
    };
  },
};

/** Route an STS Query request. */
export function routeSts(call: IncomingCall): RoutedCall {
  const params = queryParams(call.body, call.query);
  const action = params.get('Action') ?? '';
  return {
    protocol: 'query',
    service: 'sts',
    operation: action,
    renderError: (error) => renderQueryError(error, NAMESPACE, call.requestId),
    async execute() {
      const handler = Object.hasOwn(HANDLERS, action) ? HANDLERS[action] : undefined;
      if (!handler)
        throw new SandboxError(
          'InvalidAction',
          `Could not find operation ${action} for version 2011-06-15`,
          400,
        );
      if (!call.auth.ok) throw authError(call.auth.failure, 'query');
      const result = handler(params, call.auth.caller, call.state);
      return renderQueryResult(action, NAMESPACE, result, call.requestId);
    },
  };
}
