import { ORGANIZATION_ACTIONS } from './organization.ts';
import { ACCOUNT_COLLECTORS, INVENTORY_ACTIONS } from './registry.ts';

/** One statement of an IAM policy document. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string | string[];
  Resource: string | string[];
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Every action the collection calls, in collector order, each once. All are read-only. */
export function collectionActions(): string[] {
  return [...new Set([...INVENTORY_ACTIONS, ...ACCOUNT_COLLECTORS.flatMap((c) => c.actions)])];
}

/**
 * The least-privilege policy for the identity that runs the tool (and the role in each further
 * account): the collectors' declared actions, plus the optional statements for console screenshots
 * of IAM users, other accounts, organization discovery (caller only), reading S3 Inventory
 * reports (`collection.objectInventory`, scoped to the inventory destination bucket) and KMS
 * signing. `init` writes it; the README shows the same document.
 */
export function leastPrivilegePolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'EvidencePackRead', Effect: 'Allow', Action: collectionActions(), Resource: '*' },
      {
        Sid: 'OptionalConsoleScreenshotsForIamUsers',
        Effect: 'Allow',
        Action: 'sts:GetFederationToken',
        Resource: '*',
      },
      {
        Sid: 'OptionalOtherAccounts',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: 'arn:aws:iam::*:role/EvidencePackReader',
      },
      {
        Sid: 'OptionalOrganizationDiscovery',
        Effect: 'Allow',
        Action: [...ORGANIZATION_ACTIONS],
        Resource: '*',
      },
      {
        Sid: 'OptionalObjectInventoryReports',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetObject'],
        Resource: [
          'arn:aws:s3:::<inventory-destination-bucket>',
          'arn:aws:s3:::<inventory-destination-bucket>/*',
        ],
      },
      {
        Sid: 'OptionalSigningWithKms',
        Effect: 'Allow',
        Action: ['kms:Sign', 'kms:GetPublicKey'],
        Resource: 'arn:aws:kms:*:*:key/<signing-key-id>',
      },
    ],
  };
}
