import type { CheckDefinition } from '../types.ts';
import { keyAnalysisId } from '../policy/types.ts';
import { KMS_PROBES } from '../policy/probes.ts';
import { statementsProse } from '../policy/bucket-policy.ts';
import { listProse, verdict } from '../support.ts';
import { forEachCustomerKey, withKeyPolicy } from './key-support.ts';

const ID = 'kms.key-policy-not-public';

/** `kms.key-policy-not-public`: no key policy statement lets an unrelated account use the key. */
export const keyPolicyNotPublic: CheckDefinition = {
  id: ID,
  title: 'KMS key policy is not public',
  severity: 'high',
  criteria: ['CC6.6', 'CC6.1'],
  description: 'Probe requests from an unrelated account are not allowed by the key policy alone.',
  reads: ['kms:DescribeKey', 'kms:GetKeyPolicy'],
  method:
    'Per customer managed key behind a bucket: the key policy is evaluated with IAM semantics against requests from a principal of an unrelated account (Decrypt, Encrypt, GenerateDataKey, ReEncryptFrom, CreateGrant, DescribeKey, PutKeyPolicy, ScheduleKeyDeletion, DisableKey); any allowed request fails, naming the statements; an unreadable or unparsable policy is insufficient evidence.',
  evaluate: (ctx) =>
    forEachCustomerKey(ID, ctx, (key, meta) =>
      withKeyPolicy(key, (evidence) => {
        const analysis = ctx.policyAnalysis?.keys[keyAnalysisId(key.accountId, key.region, meta.arn)];
        if (!analysis)
          return verdict('error', 'The key policy was not analyzed (policy analysis did not run).', evidence);
        if (analysis.kind === 'invalid')
          return verdict(
            'insufficient-evidence',
            `Cannot judge the key policy: ${analysis.message}.`,
            evidence,
          );
        const allowed = KMS_PROBES.filter((p) => analysis.probes[p.name]?.decision === 'allowed');
        if (allowed.length === 0) {
          return verdict(
            'pass',
            'The key policy grants nothing to a principal of an unrelated account without a condition that pins the caller.',
            evidence,
          );
        }
        const statements = [...new Set(allowed.flatMap((p) => analysis.probes[p.name]?.statements ?? []))];
        return verdict(
          'fail',
          `The key policy lets any principal of an unrelated account call ${listProse(allowed.map((p) => p.action))}, through ${statementsProse({ decision: 'allowed', statements })}.`,
          evidence,
        );
      }),
    ),
};
