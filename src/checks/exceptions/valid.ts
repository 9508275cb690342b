import type { CheckDefinition, ResourceRef } from '../types.ts';
import { listProse } from '../support.ts';

const ID = 'exceptions.valid';

/** `exceptions.valid`: one result per exception-log entry; invalid entries fail naming each problem. */
export const exceptionsValid: CheckDefinition = {
  id: ID,
  title: 'Exception log entries are valid',
  severity: 'medium',
  criteria: ['CC6.6'],
  description:
    "Each exception is unexpired, names an existing bucket, has a justification and approver, and does not cover a sensitive bucket's public access.",
  reads: [],
  method:
    'Reads the configuration only. Each exception passes when it names a bucket in the inventory, has a justification and an approver, has not expired at the evaluation time, and does not except public access of a sensitive bucket; otherwise it fails and excepts nothing.',
  evaluate: (ctx) =>
    ctx.exceptions.map((x) => {
      const e = x.entry;
      const resource: ResourceRef = {
        arn: `evidence-pack:exception/${e.index}`,
        type: 'EvidencePack::Exception',
        accountId: e.accountId ?? '',
        name: `exception-${e.index} (${e.bucket})`,
      };
      const covers = listProse(e.checks);
      return x.valid
        ? {
            checkId: ID,
            resource,
            status: 'pass',
            reason: `Exception for bucket "${e.bucket}" (${covers}) is approved by ${e.approvedBy} and valid through ${e.expires}.`,
            evidence: [],
          }
        : {
            checkId: ID,
            resource,
            status: 'fail',
            reason: `Exception for bucket "${e.bucket}" (${covers}) is invalid and excepts nothing: ${listProse(x.problems)}.`,
            evidence: [],
          };
    }),
};
