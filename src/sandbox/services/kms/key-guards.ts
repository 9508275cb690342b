/**
 * The checks AWS makes before using or administering a key, with AWS's error codes.
 */
import { SandboxError } from '../../types.ts';
import type { KmsCall } from './call.ts';
import type { KmsKey } from './store.ts';

/** A key used for a cryptographic operation must be enabled and have the right usage. */
export function assertUsableFor(key: KmsKey, usage: string): void {
  assertNotPending(key);
  if (key.keyState === 'Disabled') throw new SandboxError('DisabledException', `${key.arn} is disabled.`);
  if (key.keyUsage !== usage) {
    throw new SandboxError(
      'InvalidKeyUsageException',
      `${key.arn} key usage is ${key.keyUsage} which is not valid for this operation.`,
    );
  }
}

/** Keys pending deletion refuse every change. */
export function assertNotPendingDeletion(key: KmsKey): void {
  if (key.keyState === 'PendingDeletion')
    throw new SandboxError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
}

/** Keys pending deletion or import refuse cryptographic use and being enabled or disabled. */
export function assertNotPending(key: KmsKey): void {
  if (key.keyState === 'PendingDeletion')
    throw new SandboxError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  if (key.keyState === 'PendingImport')
    throw new SandboxError('KMSInvalidStateException', `${key.arn} is pending import.`);
}

/**
 * AWS managed keys can't be administered by anyone: their key policy grants only use through the
 * service and read access, so AWS answers AccessDeniedException.
 */
export function assertCustomerManaged(call: KmsCall, key: KmsKey): void {
  if (key.keyManager === 'AWS') {
    const action = `kms:${call.req.operation}`;
    throw new SandboxError(
      'AccessDeniedException',
      `User: ${call.req.caller.arn} is not authorized to perform: ${action} on resource: ${key.arn} because no resource-based policy allows the ${action} action`,
    );
  }
}

/** Key policies must be JSON documents with statements. */
export function assertPolicyDocument(policy: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw new SandboxError(
      'MalformedPolicyDocumentException',
      'The key policy is not a valid JSON document.',
    );
  }
  const statement = (doc as { Statement?: unknown } | null)?.Statement;
  if (typeof doc !== 'object' || doc === null || statement === undefined) {
    throw new SandboxError(
      'MalformedPolicyDocumentException',
      'Policy contains a statement with no principal or no Statement element.',
    );
  }
}
