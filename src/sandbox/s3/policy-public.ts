/**
 * When S3 calls a bucket policy public (GetBucketPolicyStatus.IsPublic, Block Public Access).
 *
 * An `Allow` statement keeps a policy non-public when it grants only to fixed values: a fixed AWS
 * account, user, role or service principal, or a condition that pins a fixed value of one of the
 * keys AWS lists (`aws:SourceArn`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceOwner`,
 * `aws:SourceAccount`, `s3:x-amz-server-side-encryption-aws-kms-key-id`, `aws:userid` outside
 * `AROLEID:*`) or a bounded set of CIDRs in `aws:SourceIp`. A value containing a wildcard or a
 * policy variable is not fixed. Conditions on other keys (`aws:Referer`, `aws:UserAgent`...) do not
 * help. A statement open to anyone is public when it grants a "bad" action: `s3:Get*`, `s3:List*`,
 * `s3:Put*`, `s3:Delete*`, `s3:AbortMultipartUpload`, `s3:RestoreObject` (or a wildcard covering
 * one of them, or `NotAction`). `Deny` statements never make a policy public.
 *
 * Sandbox choice where AWS does not document a bound: an IPv4 CIDR shorter than /8 or an IPv6
 * CIDR shorter than /32 is treated as unbounded (public).
 */

/** Why a statement was judged public. */
export interface PublicStatement {
  /** Index in the policy's `Statement` list. */
  index: number;
  reason: 'open-principal' | 'not-principal';
}

/** Verdict on a whole policy. */
export interface PolicyPublicity {
  isPublic: boolean;
  publicStatements: PublicStatement[];
}

/** Condition keys whose fixed value pins who can use a statement. */
const PINNING_KEYS = new Set([
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  'aws:userid',
]);

/** Condition operators that require the key to equal (match) the listed values. */
const POSITIVE_STRING_OPERATORS = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
]);

const BAD_ACTION_PREFIXES = ['get', 'list', 'put', 'delete'];
const BAD_ACTION_NAMES = ['abortmultipartupload', 'restoreobject'];

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value is fixed when it holds no wildcard and no policy variable. */
function isFixedValue(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return true;
  return typeof value === 'string' && value !== '' && !/[*?]/.test(value) && !value.includes('${');
}

/** True when the principal element names anyone (`*`, `{"AWS": "*"}`, a wildcard value). */
function principalIsOpen(principal: unknown): boolean {
  if (principal === undefined) return true;
  if (!isRecord(principal)) return !asList(principal).every(isFixedValue);
  return Object.values(principal).some(
    (values) => asList(values).length === 0 || !asList(values).every(isFixedValue),
  );
}

/** A bounded CIDR: IPv4 /8 or longer, IPv6 /32 or longer; a bare address counts as a /32 (/128). */
export function isBoundedCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [address = '', prefixText] = value.trim().split('/');
  const ipv6 = address.includes(':');
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(address);
  if (!ipv4 && !(ipv6 && /^[0-9a-fA-F:.]+$/.test(address))) return false;
  if (prefixText === undefined) return true;
  if (!/^\d{1,3}$/.test(prefixText)) return false;
  const prefix = Number(prefixText);
  return ipv4 ? prefix >= 8 && prefix <= 32 : prefix >= 32 && prefix <= 128;
}

/** Split `ForAnyValue:StringEqualsIfExists` into its base operator and qualifiers. */
function parseOperator(operator: string): { base: string; ifExists: boolean } {
  const withoutSet = operator.replace(/^(ForAnyValue|ForAllValues):/i, '').toLowerCase();
  const ifExists = withoutSet.endsWith('ifexists');
  return { base: ifExists ? withoutSet.slice(0, -'ifexists'.length) : withoutSet, ifExists };
}

/** True when one condition block entry pins the statement to fixed values. */
function conditionPins(operator: string, key: string, values: unknown): boolean {
  const { base, ifExists } = parseOperator(operator);
  if (ifExists) return false;
  const list = asList(values);
  if (list.length === 0) return false;
  const lowerKey = key.toLowerCase();
  if (lowerKey === 'aws:sourceip') return base === 'ipaddress' && list.every(isBoundedCidr);
  if (!PINNING_KEYS.has(lowerKey) || !POSITIVE_STRING_OPERATORS.has(base)) return false;
  return list.every(isFixedValue);
}

function conditionsPin(condition: unknown): boolean {
  if (!isRecord(condition)) return false;
  return Object.entries(condition).some(
    ([operator, block]) =>
      isRecord(block) && Object.entries(block).some(([key, values]) => conditionPins(operator, key, values)),
  );
}

/** Does an action pattern (possibly with wildcards) cover one of the bad S3 actions? */
export function coversBadAction(action: unknown): boolean {
  if (typeof action !== 'string') return false;
  const lower = action.toLowerCase();
  if (lower === '*') return true;
  const colon = lower.indexOf(':');
  if (colon < 0) return false;
  const service = lower.slice(0, colon);
  const name = lower.slice(colon + 1);
  if (service !== 's3' && !(/[*?]/.test(service) && wildcardMatches(service, 's3'))) return false;
  const wildAt = name.search(/[*?]/);
  if (wildAt < 0)
    return BAD_ACTION_PREFIXES.some((p) => name.startsWith(p)) || BAD_ACTION_NAMES.includes(name);
  const literal = name.slice(0, wildAt);
  return (
    BAD_ACTION_PREFIXES.some((p) => p.startsWith(literal) || literal.startsWith(p)) ||
    BAD_ACTION_NAMES.some((bad) => wildcardMatches(name, bad))
  );
}

function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

function statementIsPublic(statement: Record<string, unknown>): PublicStatement['reason'] | undefined {
  if (statement.Effect !== 'Allow') return undefined;
  const grantsBadAction = statement.NotAction !== undefined || asList(statement.Action).some(coversBadAction);
  if (!grantsBadAction) return undefined;
  if (statement.NotPrincipal !== undefined)
    return conditionsPin(statement.Condition) ? undefined : 'not-principal';
  if (!principalIsOpen(statement.Principal)) return undefined;
  return conditionsPin(statement.Condition) ? undefined : 'open-principal';
}

/** Judge a parsed policy document (or its JSON text). Unparseable input is not public. */
export function analyzePolicyPublicity(policy: unknown): PolicyPublicity {
  let document = policy;
  if (typeof policy === 'string') {
    try {
      document = JSON.parse(policy);
    } catch {
      return { isPublic: false, publicStatements: [] };
    }
  }
  const statements = isRecord(document) ? asList(document.Statement) : [];
  const publicStatements: PublicStatement[] = [];
  statements.forEach((statement, index) => {
    if (!isRecord(statement)) return;
    const reason = statementIsPublic(statement);
    if (reason) publicStatements.push({ index, reason });
  });
  return { isPublic: publicStatements.length > 0, publicStatements };
}

/** `GetBucketPolicyStatus.IsPublic` for a policy. */
export function isPolicyPublic(policy: unknown): boolean {
  return analyzePolicyPublicity(policy).isPublic;
}
