import { z } from 'zod';
import { regionProblem } from './regions.ts';
import { DEFAULT_CONCURRENCY } from '../aws/defaults.ts';
import { CHECK_IDS, isCheckId } from '../checks/ids.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'expected a real calendar date as YYYY-MM-DD',
    },
  );

const isoDateTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO-8601 date or date-time' });

const checkId = z.string().refine(isCheckId, {
  message: `expected a known check id (${CHECK_IDS.join(', ')})`,
});

const region = z.string().superRefine((name, ctx) => {
  const problem = regionProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const accountSchema = z
  .object({
    /** Friendly name shown in the report. */
    name: z.string().min(1).optional(),
    /** Role to assume in the account (STS AssumeRole). */
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'expected an IAM role ARN')
      .optional(),
    externalId: z.string().optional(),
    /** Named profile from the shared AWS config files. */
    profile: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => Boolean(a.roleArn) !== Boolean(a.profile), {
    message: 'each account needs exactly one of roleArn or profile',
  });

const classificationRule = z
  .object({
    /** Shown in the inventory as the rule that decided. */
    name: z.string().min(1).optional(),
    level: z.enum(['sensitive', 'standard']),
    /** Match a tag; without `values`, any value of the key matches. */
    tag: z
      .object({ key: z.string().min(1), values: z.array(z.string()).optional() })
      .strict()
      .optional(),
    /** Glob on the bucket name (`*` and `?`). */
    namePattern: z.string().min(1).optional(),
  })
  .strict()
  .refine((r) => r.tag !== undefined || r.namePattern !== undefined, {
    message: 'a classification rule needs a tag or a namePattern',
  });

const exceptionSchema = z
  .object({
    bucket: z.string().min(1),
    accountId: z
      .string()
      .regex(/^\d{12}$/, 'expected a 12-digit account id')
      .optional(),
    checks: z.array(checkId).min(1, 'list at least one check id'),
    /** Empty justification or approver is accepted here and reported by the `exceptions.valid` check. */
    justification: z.string(),
    approvedBy: z.string(),
    ticket: z.string().optional(),
    expires: isoDate,
  })
  .strict();

/** An external account trusted with access to buckets or keys, justified and approved like an exception. */
const trustedAccountSchema = z
  .object({
    accountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
    justification: z.string().min(1, 'say why the account is trusted'),
    approvedBy: z.string().min(1, 'name who approved the trust'),
    expires: isoDate,
  })
  .strict();

const criterionSchema = z
  .object({
    title: z.string().min(1),
    narrative: z.string().default(''),
    checks: z.array(checkId),
  })
  .strict();

const consoleUrls = z
  .object({
    accountPublicAccessBlock: z.string(),
    bucketProperties: z.string(),
    bucketPermissions: z.string(),
    kmsKey: z.string(),
    configRule: z.string(),
    trail: z.string(),
  })
  .partial()
  .strict();

const ouRef = z
  .string()
  .min(1)
  .regex(/^(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|[^/]+)$/, 'expected an OU id (ou-…) or an OU name');

/**
 * `organization` as an object: the name for the report, and discovery of every account of the AWS
 * Organization the caller manages (or is delegated administrator of), each read through `roleName`.
 */
const organizationSchema = z
  .object({
    name: z.string().min(1, 'name your organization'),
    /** Role assumed in each member account: `arn:<partition>:iam::<id>:role/<roleName>`. */
    roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM role name such as EvidencePackReader'),
    externalId: z.string().min(2).max(1224).optional(),
    /** Read only accounts under one of these OUs (id or name, at any depth); default: all. */
    ous: z.array(ouRef).default([]),
    /** Account ids listed but not read. */
    excludeAccounts: z.array(z.string().regex(/^\d{12}$/, 'expected a 12-digit account id')).default([]),
  })
  .strict();

/** The schema of `evidence.config.ts`. */
export const configSchema = z
  .object({
    /** The organization's name (cover, pack name), or `{ name, roleName, … }` to discover its accounts. */
    organization: z.union([z.string().min(1, 'name your organization'), organizationSchema], {
      error:
        "expected the organization's name (a string), or { name, roleName, externalId?, ous?, excludeAccounts? } with a name and an IAM role name",
    }),
    /** Accounts besides the caller's own. */
    accounts: z.array(accountSchema).default([]),
    /** Include the caller's own account (default true). */
    includeCallerAccount: z.boolean().default(true),
    /** Regions in scope; default: every region where an account has buckets. */
    regions: z.array(region).optional(),
    /** Regions always added to the discovered ones (e.g. where Config/CloudTrail live). */
    additionalRegions: z.array(region).default([]),
    classification: z
      .object({
        default: z.enum(['sensitive', 'standard']).default('sensitive'),
        rules: z.array(classificationRule).default([]),
      })
      .strict()
      .default({ default: 'sensitive', rules: [] }),
    exceptions: z.array(exceptionSchema).default([]),
    /** Accounts outside the scope allowed to reach buckets and keys (`*.no-external-access`). */
    trustedAccounts: z.array(trustedAccountSchema).default([]),
    /** Organization ids (`o-…`) whose `aws:PrincipalOrgID` grants count as internal. */
    trustedOrganizationIds: z
      .array(z.string().regex(/^o-[a-z0-9]{10,32}$/, 'expected an organization id such as o-a1b2c3d4e5'))
      .default([]),
    kms: z
      .object({
        /** The longest automatic rotation period (days) `kms.rotation-enabled` accepts. */
        maxRotationDays: z.number().int().min(90).max(2560).default(365),
      })
      .strict()
      .default({ maxRotationDays: 365 }),
    controls: z
      .object({
        /** Replace or add criteria: `{ CC6_1: { title, narrative, checks } }` keyed by criterion id. */
        criteria: z.record(z.string().min(1), criterionSchema).default({}),
        /** Remove default criteria entirely. */
        remove: z.array(z.string()).default([]),
      })
      .strict()
      .default({ criteria: {}, remove: [] }),
    awsConfig: z
      .object({
        requiredRules: z
          .array(
            z
              .string()
              .regex(
                /^[A-Z0-9_]+$/,
                'expected a managed rule identifier such as S3_BUCKET_SSL_REQUESTS_ONLY',
              ),
          )
          .default([
            'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
            'S3_BUCKET_PUBLIC_READ_PROHIBITED',
            'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
          ]),
        /**
         * The AWS Config aggregator to read for organization-wide rule compliance and to reconcile
         * the bucket population; without it, an organization aggregator found in that account is used.
         */
        aggregatorName: z
          .string()
          .regex(/^[\w-]{1,256}$/, 'expected an aggregator name (letters, digits, _ and -)')
          .optional(),
        /** The account holding the aggregator (an account the run reads); default: the caller's. */
        aggregatorAccountId: z
          .string()
          .regex(/^\d{12}$/, 'expected a 12-digit account id')
          .optional(),
      })
      .strict()
      .default({
        requiredRules: [
          'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
          'S3_BUCKET_PUBLIC_READ_PROHIBITED',
          'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
        ],
      }),
    collection: z
      .object({
        /**
         * Concurrent AWS calls per account (bounded; backs off under throttling). The default keeps
         * collection API-bound on a 2-vCPU runner; see README "Performance" before raising it.
         */
        concurrency: z.number().int().min(1).max(256).default(DEFAULT_CONCURRENCY),
        /**
         * Concurrent AWS calls over all accounts of the run (each account keeps its own
         * `concurrency` under it). Absent: 24 per CPU core (`os.availableParallelism()`), at least
         * `concurrency`'s default, at most 256 — resolved when the run starts, so it never enters
         * the config digest a sharded run's shards must share.
         */
        globalConcurrency: z.number().int().min(1).max(1024).optional(),
        /** Attempts per call, including the first (SDK standard retries: exponential backoff, jitter). */
        maxAttempts: z.number().int().min(1).max(20).default(8),
        /**
         * Milliseconds an attempt may wait on a silent connection before it counts as failed (and is
         * retried). AWS answers these reads in well under a second; a hung call costs at most
         * `maxAttempts` × this.
         */
        requestTimeoutMs: z.number().int().min(100).max(300_000).default(20_000),
        /**
         * Skip the reads whose outcome an earlier answer already implies, and record them as derived
         * absences (`derived:<reason>`): the bucket ACL when Object Ownership is BucketOwnerEnforced
         * (ACLs are disabled), the policy status of a policy with only Deny statements; and read bucket
         * tags with one Tagging API `GetResources` listing per region instead of GetBucketTagging per
         * bucket. `false` makes every read (same findings, more calls).
         */
        deriveImpliedReads: z.boolean().default(true),
        keyUsage: z
          .object({
            lookbackDays: z.number().int().min(1).max(90).default(30),
            /**
             * Optional cap on KMS events kept per region (the pack says when it dropped some);
             * absent = every event of the window; 0 = no key-usage lookup.
             */
            maxEventsPerRegion: z.number().int().min(0).optional(),
          })
          .strict()
          .default({ lookbackDays: 30 }),
        /**
         * Read the latest S3 Inventory report of each bucket (manifest.json, then its CSV files) from
         * the inventory's destination and count objects by encryption status. Needs s3:ListBucket and
         * s3:GetObject on the destination bucket.
         */
        objectInventory: z.boolean().default(false),
      })
      .strict()
      .default({
        concurrency: DEFAULT_CONCURRENCY,
        maxAttempts: 8,
        requestTimeoutMs: 20_000,
        deriveImpliedReads: true,
        keyUsage: { lookbackDays: 30 },
        objectInventory: false,
      }),
    output: z
      .object({ dir: z.string().min(1).default('output') })
      .strict()
      .default({ dir: 'output' }),
    capture: z
      .object({
        mode: z.enum(['console', 'api-view', 'both', 'none']).default('both'),
        /** Buckets to capture; default: sensitive buckets up to `maxKeyBuckets` plus a sample. */
        keyBuckets: z.array(z.string()).optional(),
        maxKeyBuckets: z.number().int().min(0).default(10),
        sampleSize: z.number().int().min(0).default(3),
        /** Buckets with a failing or excepted result captured besides the key buckets (the rest are gaps). */
        maxAttentionBuckets: z.number().int().min(0).default(50),
        /** Accounts whose account-level views are captured; beyond it, failing ones first, then a sample. */
        maxAccounts: z.number().int().min(1).default(25),
        /** Seed for the reproducible sample; default derives from the run id and is recorded. */
        seed: z.string().optional(),
        consoleUrls: consoleUrls.default({}),
        settleSelector: z.string().optional(),
        timeoutMs: z.number().int().min(1000).default(30_000),
        concurrency: z.number().int().min(1).max(8).default(2),
      })
      .strict()
      .default({
        mode: 'both',
        maxKeyBuckets: 10,
        sampleSize: 3,
        maxAttentionBuckets: 50,
        maxAccounts: 25,
        consoleUrls: {},
        timeoutMs: 30_000,
        concurrency: 2,
      }),
    report: z
      .object({
        templatesDir: z.string().optional(),
        logo: z.string().optional(),
        /** Max rows per inventory table in the PDF; full populations are in the CSVs. */
        maxRowsPerTable: z.number().int().min(10).default(200),
        /** Screenshots embedded as figures in the report (all are in the pack and listed). */
        maxScreenshotFigures: z.number().int().min(0).max(200).default(16),
      })
      .strict()
      .default({ maxRowsPerTable: 200, maxScreenshotFigures: 16 }),
    browser: z.object({ executablePath: z.string().optional() }).strict().default({}),
    sign: z
      .object({
        kmsKeyId: z.string().optional(),
        /** Region of `kmsKeyId` when it is not an ARN (default us-east-1). */
        region: region.optional(),
        privateKeyFile: z.string().optional(),
      })
      .strict()
      .refine((s) => !(s.kmsKeyId && s.privateKeyFile), {
        message: 'use kmsKeyId or privateKeyFile, not both',
      })
      .optional(),
    upload: z
      .object({
        uri: z.string().regex(/^s3:\/\/[a-z0-9.-]{3,63}(\/.*)?$/, 'expected s3://bucket/prefix'),
        kmsKeyId: z.string().optional(),
        retentionDays: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
    period: z
      .object({ start: isoDateTime, end: isoDateTime })
      .strict()
      .refine((p) => Date.parse(p.start) < Date.parse(p.end), {
        message: 'period.start must be before period.end',
      })
      .optional(),
  })
  .strict();

/** What a user writes in `evidence.config.ts` (defaults optional). */
export type UserConfig = z.input<typeof configSchema>;
/** The validated config with defaults applied. */
export type Config = z.output<typeof configSchema>;
export type ClassificationRule = z.output<typeof classificationRule>;
export type AccountConfig = z.output<typeof accountSchema>;
/** Organization discovery as configured (`organization` given as an object). */
export type OrganizationDiscoveryConfig = z.output<typeof organizationSchema>;

/** The organization's display name, whichever form `organization` takes. */
export function organizationName(config: Pick<Config, 'organization'>): string {
  return typeof config.organization === 'string' ? config.organization : config.organization.name;
}

/** Organization discovery, when `organization` is an object; otherwise `undefined` (accounts as listed). */
export function organizationDiscovery(
  config: Pick<Config, 'organization'>,
): OrganizationDiscoveryConfig | undefined {
  return typeof config.organization === 'string' ? undefined : config.organization;
}
export type TrustedAccountConfig = z.output<typeof trustedAccountSchema>;
export type CriterionConfig = z.output<typeof criterionSchema>;
