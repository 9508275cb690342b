import { describe, it } from 'vitest';
import { expectCase, type Case } from './harness.ts';
import {
  absentOf,
  account,
  bucket,
  config,
  configRegion,
  deniedOf,
  okOf,
  snapshot,
  withPolicy,
} from './builders.ts';
import type { AccountSnapshot, ConfigEvaluation, ConfigRegionSnapshot } from '../../src/snapshot/model.ts';

const withConfig =
  (over: Partial<ConfigRegionSnapshot>, b = bucket('data'), acct: Partial<AccountSnapshot> = {}) =>
  () =>
    snapshot([account({ buckets: [b], config: [configRegion(over)], ...acct })]);

describe('config.recorder-active', () => {
  const cases: Case[] = [
    { name: 'recording all types passes', snapshot: withConfig({}), status: 'pass' },
    {
      name: 'listed types including S3, account BPA and KMS keys pass',
      snapshot: withConfig({
        recorders: okOf(
          [
            {
              name: 'r',
              allSupported: false,
              includeGlobalResourceTypes: false,
              resourceTypes: ['AWS::S3::Bucket', 'AWS::S3::AccountPublicAccessBlock', 'AWS::KMS::Key'],
            },
          ],
          'DescribeConfigurationRecorders',
          'config',
        ),
        recorderStatus: okOf(
          [{ name: 'r', recording: true, lastStatus: 'SUCCESS' }],
          'DescribeConfigurationRecorderStatus',
          'config',
        ),
      }),
      status: 'pass',
    },
    {
      name: 'no recorder fails',
      snapshot: withConfig({ recorders: okOf([], 'DescribeConfigurationRecorders', 'config') }),
      status: 'fail',
      reason: ['No customer managed AWS Config configuration recorder'],
    },
    {
      name: 'listing only buckets fails, naming the types period evidence needs',
      snapshot: withConfig({
        recorders: okOf(
          [
            {
              name: 'r',
              allSupported: false,
              includeGlobalResourceTypes: false,
              resourceTypes: ['AWS::S3::Bucket'],
            },
          ],
          'DescribeConfigurationRecorders',
          'config',
        ),
        recorderStatus: okOf(
          [{ name: 'r', recording: true, lastStatus: 'SUCCESS' }],
          'DescribeConfigurationRecorderStatus',
          'config',
        ),
      }),
      status: 'fail',
      reason: ['does not record AWS::S3::AccountPublicAccessBlock, AWS::KMS::Key'],
    },
    {
      name: 'excluding KMS keys under the exclusion strategy fails',
      snapshot: withConfig({
        recorders: okOf(
          [
            {
              name: 'r',
              allSupported: false,
              includeGlobalResourceTypes: false,
              resourceTypes: [],
              recordingStrategy: 'EXCLUSION_BY_RESOURCE_TYPES',
              exclusionResourceTypes: ['AWS::KMS::Key'],
            },
          ],
          'DescribeConfigurationRecorders',
          'config',
        ),
        recorderStatus: okOf(
          [{ name: 'r', recording: true, lastStatus: 'SUCCESS' }],
          'DescribeConfigurationRecorderStatus',
          'config',
        ),
      }),
      status: 'fail',
      reason: ['does not record AWS::KMS::Key (excluded)'],
    },
    {
      name: 'an exclusion of unrelated types passes',
      snapshot: withConfig({
        recorders: okOf(
          [
            {
              name: 'r',
              allSupported: false,
              includeGlobalResourceTypes: false,
              resourceTypes: [],
              recordingStrategy: 'EXCLUSION_BY_RESOURCE_TYPES',
              exclusionResourceTypes: ['AWS::EC2::Instance'],
            },
          ],
          'DescribeConfigurationRecorders',
          'config',
        ),
        recorderStatus: okOf(
          [{ name: 'r', recording: true, lastStatus: 'SUCCESS' }],
          'DescribeConfigurationRecorderStatus',
          'config',
        ),
      }),
      status: 'pass',
      reason: ['except AWS::EC2::Instance'],
    },
    {
      name: 'a service-linked recorder alone does not count',
      snapshot: withConfig({
        recorders: okOf([], 'DescribeConfigurationRecorders', 'config'),
        recorderSummaries: okOf(
          [
            {
              name: 'AWSConfigurationRecorderForSECURITYHUB',
              arn: 'arn:aws:config:us-east-1:111122223333:configuration-recorder/AWSConfigurationRecorderForSECURITYHUB/securityhub.amazonaws.com',
              recordingScope: 'INTERNAL',
              servicePrincipal: 'securityhub.amazonaws.com',
            },
          ],
          'ListConfigurationRecorders',
          'config',
        ),
      }),
      status: 'fail',
      reason: ['No customer managed', 'recordingScope INTERNAL', 'does not count'],
    },
    {
      name: 'stopped recorder fails',
      snapshot: withConfig({
        recorderStatus: okOf(
          [{ name: 'default', recording: false, lastStatus: 'SUCCESS' }],
          'DescribeConfigurationRecorderStatus',
          'config',
        ),
      }),
      status: 'fail',
      reason: ['not recording'],
    },
    {
      name: 'recorder without S3 fails',
      snapshot: withConfig({
        recorders: okOf(
          [
            {
              name: 'default',
              allSupported: false,
              includeGlobalResourceTypes: false,
              resourceTypes: ['AWS::EC2::Instance'],
            },
          ],
          'DescribeConfigurationRecorders',
          'config',
        ),
      }),
      status: 'fail',
      reason: ['does not record AWS::S3::Bucket'],
    },
    {
      name: 'denied is a gap',
      snapshot: withConfig({ recorders: deniedOf('DescribeConfigurationRecorders', 'config') }),
      status: 'insufficient-evidence',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('config.recorder-active', c));
});

const renamed = (id: string, name: string) => ({
  name,
  owner: 'AWS',
  sourceIdentifier: id,
  scopeResourceTypes: [],
});

describe('config.rules-present', () => {
  const cases: Case[] = [
    { name: 'default rules present pass', snapshot: withConfig({}), status: 'pass' },
    {
      name: 'rules are matched by identifier, not name',
      snapshot: withConfig({
        rules: okOf(
          [
            renamed('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'conformance-pack-abc-1'),
            renamed('S3_BUCKET_PUBLIC_READ_PROHIBITED', 'conformance-pack-abc-2'),
            {
              ...renamed('S3_BUCKET_PUBLIC_WRITE_PROHIBITED', 's3-bucket-public-write-prohibited'),
              owner: 'CUSTOM_LAMBDA',
              sourceIdentifier: 'arn:aws:lambda:us-east-1:1:function:x',
            },
          ],
          'DescribeConfigRules',
          'config',
        ),
      }),
      status: 'fail',
      reason: ['S3_BUCKET_PUBLIC_WRITE_PROHIBITED'],
    },
    {
      name: 'configured extra rule missing fails',
      snapshot: withConfig({}),
      config: config({ awsConfig: { requiredRules: ['S3_BUCKET_SSL_REQUESTS_ONLY'] } }),
      status: 'fail',
      reason: ['S3_BUCKET_SSL_REQUESTS_ONLY'],
    },
    {
      name: 'denied is a gap',
      snapshot: withConfig({ rules: deniedOf('DescribeConfigRules', 'config') }),
      status: 'insufficient-evidence',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('config.rules-present', c));
});

const evaluation = (complianceType: string, resourceId = 'data'): ConfigEvaluation => ({
  resourceType: 'AWS::S3::Bucket',
  resourceId,
  complianceType,
  resultRecordedTime: '2026-02-28T09:00:00.000Z',
});
const sseResults = (evals: ConfigEvaluation[] | ReturnType<typeof deniedOf>) => [
  {
    ruleName: 's3-sse',
    sourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
    evaluations: Array.isArray(evals) ? okOf(evals, 'GetComplianceDetailsByConfigRule', 'config') : evals,
  },
];
const onlySse = config({ awsConfig: { requiredRules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'] } });

describe('config.rule-compliant', () => {
  const cases: Case[] = [
    {
      name: 'COMPLIANT passes with the evaluation time',
      snapshot: withConfig({ results: sseResults([evaluation('COMPLIANT')]) }),
      config: onlySse,
      status: 'pass',
      reason: ['COMPLIANT', '2026-02-28T09:00:00.000Z'],
    },
    {
      name: 'NON_COMPLIANT fails',
      snapshot: withConfig({ results: sseResults([evaluation('NON_COMPLIANT')]) }),
      config: onlySse,
      status: 'fail',
    },
    {
      name: 'COMPLIANT contradicted by our own check is said',
      snapshot: withConfig(
        { results: sseResults([evaluation('COMPLIANT')]) },
        bucket('data', {
          encryption: absentOf('ServerSideEncryptionConfigurationNotFoundError', 'GetBucketEncryption'),
        }),
      ),
      config: onlySse,
      status: 'fail',
      reason: ['own s3.default-encryption check of default encryption fails', 'see Cross-checks'],
    },
    {
      name: 'NON_COMPLIANT contradicted by our own passing check still fails, saying so',
      snapshot: withConfig({ results: sseResults([evaluation('NON_COMPLIANT')]) }),
      config: onlySse,
      status: 'fail',
      reason: ['NON_COMPLIANT', 'own s3.default-encryption check of default encryption passes'],
    },
    {
      name: "Config's NOT_APPLICABLE is not applicable, not a gap",
      snapshot: withConfig({ results: sseResults([evaluation('NOT_APPLICABLE')]) }),
      config: onlySse,
      status: 'not-applicable',
      reason: ['NOT_APPLICABLE'],
    },
    {
      name: 'INSUFFICIENT_DATA from Config fails: the read succeeded, Config gives no verdict',
      snapshot: withConfig({ results: sseResults([evaluation('INSUFFICIENT_DATA')]) }),
      config: onlySse,
      status: 'fail',
      reason: ['INSUFFICIENT_DATA', 'does not monitor'],
    },
    {
      name: 'no result for the bucket fails: Config does not monitor it',
      snapshot: withConfig({ results: sseResults([evaluation('COMPLIANT', 'other')]) }),
      config: onlySse,
      status: 'fail',
      reason: ['no result', 'does not monitor'],
    },
    {
      name: 'rule present but results not collected is a gap',
      snapshot: withConfig({ results: [] }),
      config: onlySse,
      status: 'insufficient-evidence',
      reason: ['were not collected'],
    },
    {
      name: 'rule missing is not applicable to the bucket and points to config.rules-present',
      snapshot: withConfig({ rules: okOf([], 'DescribeConfigRules', 'config') }),
      config: onlySse,
      status: 'not-applicable',
      reason: ['No AWS Config rule for S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'config.rules-present'],
    },
    {
      name: 'denied results are a gap',
      snapshot: withConfig({ results: sseResults(deniedOf('GetComplianceDetailsByConfigRule', 'config')) }),
      config: onlySse,
      status: 'insufficient-evidence',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('config.rule-compliant', c));
});

describe('config.rule-compliant: public read and public write are judged apart', () => {
  const results = (identifier: string, ruleName: string) => [
    {
      ruleName,
      sourceIdentifier: identifier,
      evaluations: okOf([evaluation('COMPLIANT')], 'GetComplianceDetailsByConfigRule', 'config'),
    },
  ];
  // Anonymous PutObject is allowed; reading is not. RestrictPublicBuckets is off, so it is effective.
  const writable = () =>
    withPolicy(
      bucket('data', {
        publicAccessBlock: absentOf('NoSuchPublicAccessBlockConfiguration', 'GetPublicAccessBlock'),
      }),
      [
        {
          Sid: 'DropBox',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::data/*',
        },
      ],
      true,
    );
  const noAccountBlock = {
    accountPublicAccessBlock: absentOf(
      'NoSuchPublicAccessBlockConfiguration',
      'GetPublicAccessBlock',
      's3control',
    ),
  };
  const cases: Case[] = [
    {
      name: 'a public-read rule COMPLIANT on a bucket open only to writes passes: no contradiction',
      snapshot: withConfig(
        { results: results('S3_BUCKET_PUBLIC_READ_PROHIBITED', 's3-read') },
        writable(),
        noAccountBlock,
      ),
      config: config({ awsConfig: { requiredRules: ['S3_BUCKET_PUBLIC_READ_PROHIBITED'] } }),
      status: 'pass',
    },
    {
      name: 'a public-write rule COMPLIANT on that bucket is contradicted and fails',
      snapshot: withConfig(
        { results: results('S3_BUCKET_PUBLIC_WRITE_PROHIBITED', 's3-write') },
        writable(),
        noAccountBlock,
      ),
      config: config({ awsConfig: { requiredRules: ['S3_BUCKET_PUBLIC_WRITE_PROHIBITED'] } }),
      status: 'fail',
      reason: ['s3.not-public check of public write access fails'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('config.rule-compliant', c));
});
