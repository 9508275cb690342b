import { describe, it } from 'vitest';
import { expectCase, type Case } from './harness.ts';
import { account, bucket, config, deniedOf, okOf, snapshot, trail } from '../support/snapshot.ts';
import type { TrailSelectors, TrailSnapshot } from '../../src/snapshot/model.ts';

const withTrails = (trails: TrailSnapshot[]) => () =>
  snapshot([
    account({
      buckets: [bucket('data')],
      cloudTrail: {
        discovery: [
          {
            region: 'us-east-1',
            result: okOf({ trailArns: trails.map((t) => t.arn) }, 'DescribeTrails', 'cloudtrail'),
          },
        ],
        trails,
        keyUsage: [],
      },
    }),
  ]);
const sel = (s: TrailSelectors) => okOf(s, 'GetEventSelectors', 'cloudtrail');
const mgmt = (extra: Partial<NonNullable<TrailSelectors['eventSelectors']>[number]> = {}) => ({
  readWriteType: 'All' as const,
  includeManagementEvents: true,
  excludeManagementEventSources: [] as string[],
  dataResources: [] as { type: string; values: string[] }[],
  ...extra,
});
const advMgmt = (extra: { field: string; equals?: string[]; notEquals?: string[] }[] = []) => ({
  name: 'mgmt',
  fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, ...extra],
});
const advData = (arn?: { startsWith?: string[]; equals?: string[]; notStartsWith?: string[] }) => ({
  name: 'data',
  fieldSelectors: [
    { field: 'eventCategory', equals: ['Data'] },
    { field: 'resources.type', equals: ['AWS::S3::Object'] },
    ...(arn ? [{ field: 'resources.ARN', ...arn }] : []),
  ],
});

describe('cloudtrail.multi-region-logging', () => {
  const cases: Case[] = [
    {
      name: 'logging multi-region trail passes',
      snapshot: withTrails([trail()]),
      status: 'pass',
      reason: ['"org-trail"'],
    },
    {
      name: 'advanced management selector passes',
      snapshot: withTrails([trail({ selectors: sel({ advancedEventSelectors: [advMgmt()] }) })]),
      status: 'pass',
    },
    {
      name: 'single-region trail fails',
      snapshot: withTrails([trail({ isMultiRegionTrail: false })]),
      status: 'fail',
      reason: ['single-region'],
    },
    {
      name: 'stopped trail fails',
      snapshot: withTrails([trail({ status: okOf({ isLogging: false }, 'GetTrailStatus', 'cloudtrail') })]),
      status: 'fail',
      reason: ['not logging'],
    },
    {
      name: 'write-only management events fail',
      snapshot: withTrails([
        trail({ selectors: sel({ eventSelectors: [mgmt({ readWriteType: 'WriteOnly' })] }) }),
      ]),
      status: 'fail',
      reason: ['read and write'],
    },
    {
      name: 'read-only plus write-only selectors pass',
      snapshot: withTrails([
        trail({
          selectors: sel({
            eventSelectors: [mgmt({ readWriteType: 'ReadOnly' }), mgmt({ readWriteType: 'WriteOnly' })],
          }),
        }),
      ]),
      status: 'pass',
    },
    { name: 'no trail fails', snapshot: withTrails([]), status: 'fail', reason: ['no trail'] },
    {
      name: 'denied discovery with no trail is a gap',
      snapshot: () =>
        snapshot([
          account({
            cloudTrail: {
              discovery: [{ region: 'us-east-1', result: deniedOf('DescribeTrails', 'cloudtrail') }],
              trails: [],
              keyUsage: [],
            },
          }),
        ]),
      status: 'insufficient-evidence',
      reason: ['DescribeTrails was denied'],
    },
    {
      name: 'denied trail status is a gap',
      snapshot: withTrails([trail({ status: deniedOf('GetTrailStatus', 'cloudtrail') })]),
      status: 'insufficient-evidence',
      reason: ['GetTrailStatus was denied'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('cloudtrail.multi-region-logging', c));
});

describe('cloudtrail.kms-events-logged', () => {
  const cases: Case[] = [
    { name: 'default trail passes', snapshot: withTrails([trail()]), status: 'pass' },
    {
      name: 'classic exclusion fails',
      snapshot: withTrails([
        trail({
          selectors: sel({
            eventSelectors: [mgmt({ excludeManagementEventSources: ['kms.amazonaws.com'] })],
          }),
        }),
      ]),
      status: 'fail',
    },
    {
      name: 'advanced exclusion fails',
      snapshot: withTrails([
        trail({
          selectors: sel({
            advancedEventSelectors: [advMgmt([{ field: 'eventSource', notEquals: ['kms.amazonaws.com'] }])],
          }),
        }),
      ]),
      status: 'fail',
    },
    {
      name: 'gap on the only trail is insufficient',
      snapshot: withTrails([trail({ selectors: deniedOf('GetEventSelectors', 'cloudtrail') })]),
      status: 'insufficient-evidence',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('cloudtrail.kms-events-logged', c));
});

describe('cloudtrail.log-file-validation', () => {
  const cases: Case[] = [
    { name: 'enabled passes', snapshot: withTrails([trail()]), status: 'pass' },
    {
      name: 'disabled fails',
      snapshot: withTrails([trail({ logFileValidationEnabled: false })]),
      status: 'fail',
      reason: ['disabled'],
    },
    {
      name: 'gap is insufficient',
      snapshot: withTrails([trail({ status: deniedOf('GetTrailStatus', 'cloudtrail') })]),
      status: 'insufficient-evidence',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('cloudtrail.log-file-validation', c));
});

describe('cloudtrail.s3-data-events', () => {
  const classic = (values: string[]) =>
    sel({ eventSelectors: [mgmt({ dataResources: [{ type: 'AWS::S3::Object', values }] })] });
  const cases: Case[] = [
    {
      name: 'classic all buckets passes',
      snapshot: withTrails([trail({ selectors: classic(['arn:aws:s3']) })]),
      status: 'pass',
    },
    {
      name: 'classic bucket prefix passes',
      snapshot: withTrails([trail({ selectors: classic(['arn:aws:s3:::data/']) })]),
      status: 'pass',
    },
    {
      name: 'classic other bucket fails',
      snapshot: withTrails([trail({ selectors: classic(['arn:aws:s3:::other/']) })]),
      status: 'fail',
    },
    {
      name: 'classic partial prefix fails',
      snapshot: withTrails([trail({ selectors: classic(['arn:aws:s3:::data/logs/']) })]),
      status: 'fail',
    },
    {
      name: 'advanced with no ARN filter passes',
      snapshot: withTrails([trail({ selectors: sel({ advancedEventSelectors: [advMgmt(), advData()] }) })]),
      status: 'pass',
    },
    {
      name: 'advanced StartsWith bucket passes',
      snapshot: withTrails([
        trail({
          selectors: sel({ advancedEventSelectors: [advData({ startsWith: ['arn:aws:s3:::data/'] })] }),
        }),
      ]),
      status: 'pass',
    },
    {
      name: 'advanced NotStartsWith the bucket fails',
      snapshot: withTrails([
        trail({
          selectors: sel({ advancedEventSelectors: [advData({ notStartsWith: ['arn:aws:s3:::data/'] })] }),
        }),
      ]),
      status: 'fail',
    },
    {
      name: 'stopped trail does not count',
      snapshot: withTrails([
        trail({
          selectors: classic(['arn:aws:s3']),
          status: okOf({ isLogging: false }, 'GetTrailStatus', 'cloudtrail'),
        }),
      ]),
      status: 'fail',
    },
    {
      name: 'gap is insufficient',
      snapshot: withTrails([trail({ selectors: deniedOf('GetEventSelectors', 'cloudtrail') })]),
      status: 'insufficient-evidence',
    },
    {
      name: 'standard bucket is not applicable',
      snapshot: withTrails([trail()]),
      config: config({ classification: { default: 'standard' } }),
      status: 'not-applicable',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('cloudtrail.s3-data-events', c));
});
