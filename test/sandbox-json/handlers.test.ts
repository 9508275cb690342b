import { describe, expect, it } from 'vitest';
import { cloudTrailService } from '../../src/sandbox/services/cloudtrail.ts';
import { usernameOf } from '../../src/sandbox/services/cloudtrail/record-call.ts';
import { configService } from '../../src/sandbox/services/config.ts';
import { kmsService } from '../../src/sandbox/services/kms.ts';
import { SandboxState } from '../../src/sandbox/state.ts';
import type { BucketState, Caller, JsonService } from '../../src/sandbox/types.ts';

const ACCOUNT = '111122223333';

function caller(arn: string): Caller {
  return { accountId: ACCOUNT, arn, userId: 'AIDATEST', accessKeyId: 'AKIATEST', temporary: false };
}

/** Call a handler the way the server does. */
async function call(
  state: SandboxState,
  service: JsonService,
  operation: string,
  input: Record<string, unknown>,
  region = 'us-east-1',
  who = caller(`arn:aws:iam::${ACCOUNT}:user/alice`),
) {
  const handler = service[operation];
  if (!handler) throw new Error(`no handler ${operation}`);
  return (await handler({
    operation,
    input,
    region,
    caller: who,
    account: state.account(who.accountId),
    state,
    requestId: 'req-1',
  })) as Record<string, unknown>;
}

function addBucket(state: SandboxState, name: string, region: string, policy?: string): void {
  const bucket: BucketState = {
    name,
    accountId: ACCOUNT,
    region,
    creationDate: state.now(),
    encryption: [{ SSEAlgorithm: 'AES256' }],
    policy,
    ownerId: state.account(ACCOUNT).canonicalId,
    acl: [],
    objectOwnership: 'BucketOwnerEnforced',
    objects: new Map(),
  };
  state.buckets.set(name, bucket);
}

describe('handlers against a real SandboxState', () => {
  it('records each KMS call as a management event naming the key and the caller', async () => {
    const state = new SandboxState();
    const role = caller(`arn:aws:sts::${ACCOUNT}:assumed-role/Auditor/session-7`);
    const created = await call(state, kmsService, 'CreateKey', {}, 'eu-west-1', role);
    const arn = (created.KeyMetadata as { Arn: string }).Arn;
    await call(state, kmsService, 'DescribeKey', { KeyId: arn }, 'eu-west-1', role);
    expect(state.events.map((e) => [e.eventName, e.readOnly, e.awsRegion, e.username])).toEqual([
      ['CreateKey', false, 'eu-west-1', 'session-7'],
      ['DescribeKey', true, 'eu-west-1', 'session-7'],
    ]);
    expect(state.events[1]?.resources).toEqual([{ type: 'AWS::KMS::Key', name: arn }]);
    expect(state.events[1]?.requestParameters).toEqual({ keyId: arn });
  });

  it('names users as LookupEvents does', () => {
    expect(usernameOf({ arn: `arn:aws:iam::${ACCOUNT}:root` })).toBe('root');
    expect(usernameOf({ arn: `arn:aws:iam::${ACCOUNT}:user/team/bob` })).toBe('bob');
    expect(usernameOf({ arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Role/sess` })).toBe('sess');
  });

  it('evaluates public-read with the account-level Block Public Access of the account', async () => {
    const state = new SandboxState();
    const open = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::open/*' },
      ],
    });
    addBucket(state, 'open', 'us-west-2', open);
    addBucket(state, 'delivery', 'us-west-2');
    addBucket(state, 'elsewhere', 'eu-west-1', open);
    await call(
      state,
      configService,
      'PutConfigurationRecorder',
      { ConfigurationRecorder: { name: 'default', roleARN: 'arn:aws:iam::111122223333:role/config' } },
      'us-west-2',
    );
    await call(
      state,
      configService,
      'PutDeliveryChannel',
      { DeliveryChannel: { name: 'default', s3BucketName: 'delivery' } },
      'us-west-2',
    );
    await call(
      state,
      configService,
      'StartConfigurationRecorder',
      { ConfigurationRecorderName: 'default' },
      'us-west-2',
    );
    await call(
      state,
      configService,
      'PutConfigRule',
      {
        ConfigRule: {
          ConfigRuleName: 'read',
          Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' },
        },
      },
      'us-west-2',
    );
    const results = async () =>
      (
        (
          await call(
            state,
            configService,
            'GetComplianceDetailsByConfigRule',
            { ConfigRuleName: 'read' },
            'us-west-2',
          )
        ).EvaluationResults as {
          EvaluationResultIdentifier: { EvaluationResultQualifier: { ResourceId: string } };
          ComplianceType: string;
        }[]
      ).map((r) => [r.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceId, r.ComplianceType]);
    expect(await results()).toEqual([
      ['delivery', 'COMPLIANT'],
      ['open', 'NON_COMPLIANT'],
    ]);
    state.account(ACCOUNT).accountPublicAccessBlock = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    await call(
      state,
      configService,
      'StartConfigRulesEvaluation',
      { ConfigRuleNames: ['read'] },
      'us-west-2',
    );
    expect(await results()).toEqual([
      ['delivery', 'COMPLIANT'],
      ['open', 'COMPLIANT'],
    ]);
  });

  it('does not record LookupEvents itself, so an audit does not fill the history it reads', async () => {
    const state = new SandboxState();
    const out = await call(state, cloudTrailService, 'LookupEvents', {});
    expect(out.Events).toEqual([]);
    expect(state.events).toEqual([]);
  });
});
