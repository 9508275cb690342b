import { defineConfig } from 'evidence-pack';

/**
 * evidence-pack configuration. Every field is documented in the README ("Configuration").
 * This file is loaded with jiti and validated; a mistake is reported with the field name.
 */
export default defineConfig({
  organization: 'Example Corp',
  // Accounts besides the caller's own, reached by role (STS AssumeRole) or by named profile:
  // accounts: [{ name: 'production', roleArn: 'arn:aws:iam::222233334444:role/EvidencePackReader' }],
  // regions: ['us-east-1', 'eu-west-1'],   // default: every region where an account has buckets
  classification: {
    default: 'sensitive',
    rules: [
      { name: 'public website assets', level: 'standard', tag: { key: 'data-class', values: ['public'] } },
      { name: 'logs', level: 'standard', namePattern: '*-logs' },
    ],
  },
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
  output: { dir: 'output' },
});
