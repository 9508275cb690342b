/** The commented `evidence.config.ts` that `evidence-pack init` writes. */
export function configTemplate(organization: string, policyFile: string): string {
  return `import { defineConfig } from 'evidence-pack';

/**
 * evidence-pack configuration, written by \`evidence-pack init\`. Every field is described in the
 * README ("Configuration"); a mistake is reported with the field name, exit code 2, nothing written.
 *
 * Next steps:
 *   1. Attach ${policyFile} (least privilege, read-only) to the identity that runs the tool.
 *   2. Try it without AWS:     npx evidence-pack demo --config evidence.config.ts
 *   3. Run it against AWS:     npx evidence-pack run --profile <your-profile>
 *   4. Check the pack:         npx evidence-pack verify output/<pack>.zip
 */
export default defineConfig({
  // Shown on the report cover; its slug names the pack (evidence-pack_<slug>_<UTC time>.zip).
  organization: ${JSON.stringify(organization)},

  // Accounts besides the caller's own, reached by role (STS AssumeRole) or by named profile.
  // accounts: [{ name: 'production', roleArn: 'arn:aws:iam::222233334444:role/EvidencePackReader' }],

  // Regions in scope (default: every region where an account has buckets).
  // regions: ['us-east-1', 'eu-west-1'],

  // Which buckets hold sensitive data: first matching rule wins; unmatched buckets get the default.
  classification: {
    default: 'sensitive',
    rules: [
      // { name: 'public website assets', level: 'standard', tag: { key: 'data-class', values: ['public'] } },
      // { name: 'logs', level: 'standard', namePattern: '*-logs' },
    ],
  },

  // Approved exceptions: the check reports "excepted" until the end of the expiry day (UTC).
  exceptions: [
    // {
    //   bucket: 'acme-public-website',
    //   checks: ['s3.bucket-public-access-block'],
    //   justification: 'Static website served to the public by design.',
    //   approvedBy: 'CISO',
    //   ticket: 'SEC-123',
    //   expires: '2027-03-31',
    // },
  ],

  // The audit period: adds whether each control held throughout it (needs AWS Config history).
  // period: { start: '2026-07-01T00:00:00Z', end: '2026-09-30T23:59:59Z' },

  // Sign the manifest with an asymmetric KMS key, or with an Ed25519 private key file.
  // sign: { kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/...' },

  // Store the pack in an evidence bucket after writing it.
  // upload: { uri: 's3://acme-evidence/soc2', retentionDays: 400 },

  output: { dir: 'output' },
});
`;
}
