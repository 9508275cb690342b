/** Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies (the only policy name is `default`). */
import { SandboxError } from '../../../types.ts';
import type { KmsCall } from '../call.ts';
import { optionalString, requiredString } from '../input.ts';
import { assertCustomerManaged, assertNotPendingDeletion, assertPolicyDocument } from '../key-guards.ts';
import { resolveKey } from '../resolve-key.ts';

export function getKeyPolicy(call: KmsCall): unknown {
  const { input } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: false });
  const name = policyName(optionalString(input, 'PolicyName'));
  return { Policy: key.policy, PolicyName: name };
}

export function putKeyPolicy(call: KmsCall): unknown {
  const { input } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: false });
  policyName(optionalString(input, 'PolicyName'));
  const policy = requiredString(input, 'Policy');
  assertCustomerManaged(call, key);
  assertNotPendingDeletion(key);
  assertPolicyDocument(policy);
  key.policy = policy;
  return {};
}

export function listKeyPolicies(call: KmsCall): unknown {
  resolveKey(call, requiredString(call.req.input, 'KeyId'), { allowAlias: false });
  return { PolicyNames: ['default'], Truncated: false };
}

function policyName(name: string | undefined): string {
  if (name !== undefined && name !== 'default')
    throw new SandboxError('NotFoundException', `No such policy exists: ${name}`);
  return 'default';
}
