import type { CheckDefinition } from '../types.ts';
import { judgeExternalGrants } from '../policy/external-access.ts';
import { keyAnalysisId } from '../policy/types.ts';
import { verdict } from '../support.ts';
import { forEachCustomerKey, withKeyPolicy } from './key-support.ts';

const ID = 'kms.no-external-access';

/** `kms.no-external-access`: the key policy grants no principal outside the trusted accounts. */
export const keyNoExternalAccess: CheckDefinition = {
  id: ID,
  title: 'KMS key policy grants no external account',
  severity: 'high',
  criteria: ['CC6.6', 'CC6.1'],
  description:
    'No key-policy statement allows a principal of an account outside the scope (unless declared in trustedAccounts) any kms action.',
  reads: ['kms:DescribeKey', 'kms:GetKeyPolicy'],
  method:
    'Per customer managed key behind a bucket: every AWS principal of another account that an Allow statement names, and every "*" principal conditioned on aws:PrincipalOrgID, is evaluated with IAM semantics against Decrypt, Encrypt, GenerateDataKey, ReEncryptFrom, CreateGrant, DescribeKey, PutKeyPolicy, ScheduleKeyDeletion and DisableKey; an allowed request by an account outside the scope that is not a valid trustedAccounts entry, or by an undeclared organization, fails, naming principal, actions and statement. Grants to any account are judged by kms.key-policy-not-public. A denied or unreadable policy is insufficient evidence.',
  evaluate: (ctx) =>
    forEachCustomerKey(ID, ctx, (key, meta) =>
      withKeyPolicy(key, (evidence) => {
        const results =
          ctx.policyAnalysis?.externalKeys?.[keyAnalysisId(key.accountId, key.region, meta.arn)];
        if (!results)
          return verdict('error', 'The key policy was not analyzed (policy analysis did not run).', evidence);
        return judgeExternalGrants('key policy', results, ctx, evidence);
      }),
    ),
};
