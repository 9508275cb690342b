import type { CheckDefinition } from '../types.ts';
import { configRegionResource, evidenceOf, gapVerdict, toResult, verdict, type Verdict } from '../support.ts';
import type { ConfigRecorder, ConfigRegionSnapshot } from '../../snapshot/model.ts';

/** The types the recorder must record: buckets, and for period evidence account BPA and KMS keys. */
export const REQUIRED_RECORDED_TYPES = [
  'AWS::S3::Bucket',
  'AWS::S3::AccountPublicAccessBlock',
  'AWS::KMS::Key',
] as const;

/** Whether the recorder's recording group covers a resource type (all supported, included, not excluded). */
export function recordsType(rec: ConfigRecorder, type: string): boolean {
  if (rec.recordingStrategy === 'EXCLUSION_BY_RESOURCE_TYPES')
    return !(rec.exclusionResourceTypes ?? []).includes(type);
  if (rec.allSupported) return !(rec.exclusionResourceTypes ?? []).includes(type);
  return rec.resourceTypes.includes(type);
}

/** `; service-linked recorders X, Y (INTERNAL) deliver nothing to the customer and do not count`, or ''. */
function serviceLinkedNote(region: ConfigRegionSnapshot): string {
  const s = region.recorderSummaries;
  if (s?.status !== 'ok') return '';
  const internal = s.value.filter((r) => r.recordingScope === 'INTERNAL');
  if (internal.length === 0) return '';
  const names = internal.map((r) => `"${r.name}"${r.servicePrincipal ? ` (${r.servicePrincipal})` : ''}`);
  return `; service-linked recorder${internal.length > 1 ? 's' : ''} ${names.join(', ')} (recordingScope INTERNAL) deliver${internal.length > 1 ? '' : 's'} nothing to the customer and ${internal.length > 1 ? 'do' : 'does'} not count`;
}

const ID = 'config.recorder-active';

/** Judge one region: a recorder records S3 buckets, is recording, and last succeeded. */
export function judgeRecorderActive(region: ConfigRegionSnapshot): Verdict {
  const { recorders, recorderStatus } = region;
  if (recorders.status === 'denied' || recorders.status === 'error')
    return gapVerdict('the configuration recorder', recorders);
  const summaries = region.recorderSummaries;
  // A recorder DescribeConfigurationRecorders returns that ListConfigurationRecorders calls INTERNAL is service-linked.
  const internalNames = new Set(
    summaries?.status === 'ok'
      ? summaries.value.filter((r) => r.recordingScope === 'INTERNAL').map((r) => r.name)
      : [],
  );
  const list = (recorders.status === 'ok' ? recorders.value : []).filter((r) => !internalNames.has(r.name));
  const note = serviceLinkedNote(region);
  const evidence = evidenceOf(recorders, recorderStatus, ...(summaries ? [summaries] : []));
  if (list.length === 0)
    return verdict(
      'fail',
      `No customer managed AWS Config configuration recorder exists in ${region.region}${note}.`,
      evidence,
    );
  if (recorderStatus.status === 'denied' || recorderStatus.status === 'error')
    return gapVerdict('the recorder status', recorderStatus, evidence);
  const statuses = recorderStatus.status === 'ok' ? recorderStatus.value : [];
  const problems: string[] = [];
  for (const rec of list) {
    const st = statuses.find((s) => s.name === rec.name);
    const missing = REQUIRED_RECORDED_TYPES.filter((t) => !recordsType(rec, t));
    if (st?.recording && st.lastStatus === 'SUCCESS' && missing.length === 0) {
      const scope =
        rec.recordingStrategy === 'EXCLUSION_BY_RESOURCE_TYPES'
          ? `all supported resource types except ${(rec.exclusionResourceTypes ?? []).join(', ') || 'none'}`
          : rec.allSupported
            ? 'all supported resource types'
            : REQUIRED_RECORDED_TYPES.join(', ');
      return verdict(
        'pass',
        `Recorder "${rec.name}" is recording ${scope} and its last status is SUCCESS${note}.`,
        evidence,
      );
    }
    const why = !st
      ? 'has no status'
      : !st.recording
        ? 'is not recording'
        : st.lastStatus !== 'SUCCESS'
          ? `last status is ${st.lastStatus ?? 'unknown'}`
          : `does not record ${missing.join(', ')}${missing.some((t) => (rec.exclusionResourceTypes ?? []).includes(t)) ? ' (excluded)' : ''}`;
    problems.push(`"${rec.name}" ${why}`);
  }
  return verdict(
    'fail',
    `No active recorder covers S3 buckets, account Block Public Access and KMS keys in ${region.region}: ${problems.join('; ')}${note}.`,
    evidence,
  );
}

/** `config.recorder-active`: AWS Config records S3 buckets in every region in scope. */
export const recorderActive: CheckDefinition = {
  id: ID,
  title: 'AWS Config recorder is active',
  severity: 'medium',
  criteria: ['CC7.2', 'CC7.1'],
  description:
    'A customer managed configuration recorder exists, is recording, last status SUCCESS, and records AWS::S3::Bucket, AWS::S3::AccountPublicAccessBlock and AWS::KMS::Key.',
  reads: [
    'config:DescribeConfigurationRecorders',
    'config:DescribeConfigurationRecorderStatus',
    'config:ListConfigurationRecorders',
  ],
  method:
    'Per region: passes when a customer managed recorder exists, is recording, its last status is SUCCESS and its recording group covers AWS::S3::Bucket and, for evidence over the period, AWS::S3::AccountPublicAccessBlock and AWS::KMS::Key (all supported types, or the types listed under the inclusion strategy, and none of them excluded under the exclusion strategy); fails otherwise. Service-linked recorders (ListConfigurationRecorders, recordingScope INTERNAL) are named but do not count: they deliver nothing to the customer. A denied or failed read of the recorders or their status is insufficient evidence.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.flatMap((a) =>
      a.config.map((r) => toResult(ID, configRegionResource(r), judgeRecorderActive(r))),
    ),
};
