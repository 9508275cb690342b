/**
 * Redaction of secrets from recorded command inputs and outputs.
 *
 * Policies (bucket policies, key policies) are evidence, not secrets, and are kept verbatim.
 * Credentials, tokens, key material and data payloads are replaced by {@link REDACTED}.
 */

/** The placeholder written in place of a secret value. */
export const REDACTED = '[REDACTED]';

/** Field names whose values are secrets wherever they appear (exact, case-sensitive AWS member names). */
const SECRET_FIELDS = new Set([
  'SecretAccessKey',
  'SessionToken',
  'AccessKeyId',
  'Password',
  'password',
  'SigninToken',
  'Plaintext',
  'CiphertextBlob',
  'CiphertextForRecipient',
  'PrivateKeyPlaintext',
  'PrivateKeyCiphertextBlob',
  'SAMLAssertion',
  'WebIdentityToken',
  'TokenCode',
  'SSECustomerKey',
  'CopySourceSSECustomerKey',
  'SSEKMSEncryptionContext',
  'Body',
  'Message',
]);

/**
 * Member names of secrets inside embedded JSON documents, whose keys are camelCase (a CloudTrail
 * record's `userIdentity.accessKeyId`, an AssumeRole event's `responseElements.credentials`).
 */
const EMBEDDED_SECRET_FIELDS = new Set(['accessKeyId', 'secretAccessKey', 'sessionToken']);

/** Fields whose string value is itself a JSON document (CloudTrail LookupEvents' `CloudTrailEvent`). */
const EMBEDDED_JSON_FIELDS = new Set(['CloudTrailEvent']);

/** AWS access key ids (long-term `AKIA…`, temporary `ASIA…`), for text that cannot be parsed. */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;

/**
 * `Message` is a secret only as a KMS Sign/Verify payload; elsewhere (error messages, Config
 * annotations) it is plain text. Operations where it is a payload:
 */
const MESSAGE_PAYLOAD_OPERATIONS = new Set(['Sign', 'Verify', 'GenerateMac', 'VerifyMac']);

/** True when a field of this operation's input or output holds a secret. */
function isSecretField(field: string, operation: string): boolean {
  if (field === 'Message') return MESSAGE_PAYLOAD_OPERATIONS.has(operation);
  return SECRET_FIELDS.has(field) || EMBEDDED_SECRET_FIELDS.has(field);
}

/**
 * An embedded JSON document with the same redaction applied, written back as compact JSON. Text
 * that is not JSON keeps its words but loses anything shaped like an access key id.
 */
function redactEmbeddedJson(text: string, operation: string, depth: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.replace(ACCESS_KEY_ID, REDACTED);
  }
  return JSON.stringify(redactValue(parsed, operation, depth + 1));
}

/**
 * A deep copy of `value` with secret fields replaced by {@link REDACTED}, binary values summarized
 * by length, and dates as ISO strings, so the result is plain JSON.
 */
export function redact(value: unknown, operation: string): unknown {
  return redactValue(value, operation, 0);
}

function redactValue(value: unknown, operation: string, depth: number): unknown {
  if (value === null || value === undefined) return value;
  if (depth > 64) return '[TRUNCATED]';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return `[binary ${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, operation, depth + 1));
  if (typeof value === 'object') {
    // Streams and other non-plain objects (e.g. a response Body) are not evidence.
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return `[${value.constructor?.name ?? 'object'}]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (isSecretField(k, operation)) out[k] = REDACTED;
      else if (EMBEDDED_JSON_FIELDS.has(k) && typeof v === 'string')
        out[k] = redactEmbeddedJson(v, operation, depth);
      else out[k] = redactValue(v, operation, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
