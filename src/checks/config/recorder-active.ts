import type { CheckDefinition } from '../types.ts';
import { configRegionResource, evidenceOf, gapVerdict, toResult, verdict, type Verdict } from '../support.ts';
import type { ConfigRegionSnapshot } from '../../snapshot/model.ts';

const ID = 'config.recorder-active';

/** Judge one region: a recorder records S3 buckets, is recording, and last succeeded. */
export function judgeRecorderActive(region: ConfigRegionSnapshot): Verdict {
  const { recorders, recorderStatus } = region;
  if (recorders.status === 'denied' || recorders.status === 'error')
    return gapVerdict('the configuration recorder', recorders);
  const list = recorders.status === 'ok' ? recorders.value : [];
  if (list.length === 0)
    return verdict('fail', `No AWS Config configuration recorder exists in ${region.region}.`, [
      recorders.evidence,
    ]);
  const evidence = evidenceOf(recorders, recorderStatus);
  if (recorderStatus.status === 'denied' || recorderStatus.status === 'error')
    return gapVerdict('the recorder status', recorderStatus, evidence);
  const statuses = recorderStatus.status === 'ok' ? recorderStatus.value : [];
  const problems: string[] = [];
  for (const rec of list) {
    const st = statuses.find((s) => s.name === rec.name);
    const recordsS3 = rec.allSupported || rec.resourceTypes.includes('AWS::S3::Bucket');
    if (st?.recording && st.lastStatus === 'SUCCESS' && recordsS3) {
      const scope = rec.allSupported ? 'all supported resource types' : 'AWS::S3::Bucket';
      return verdict(
        'pass',
        `Recorder "${rec.name}" is recording ${scope} and its last status is SUCCESS.`,
        evidence,
      );
    }
    const why = !st
      ? 'has no status'
      : !st.recording
        ? 'is not recording'
        : st.lastStatus !== 'SUCCESS'
          ? `last status is ${st.lastStatus ?? 'unknown'}`
          : 'does not record AWS::S3::Bucket';
    problems.push(`"${rec.name}" ${why}`);
  }
  return verdict(
    'fail',
    `No active recorder covers S3 buckets in ${region.region}: ${problems.join('; ')}.`,
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
    'A configuration recorder exists, is recording, last status SUCCESS, and records AWS::S3::Bucket.',
  reads: ['config:DescribeConfigurationRecorders', 'config:DescribeConfigurationRecorderStatus'],
  method:
    'Per region: passes when a recorder exists, is recording, its last status is SUCCESS and it records AWS::S3::Bucket (all supported types or the type listed); fails otherwise; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.flatMap((a) =>
      a.config.map((r) => toResult(ID, configRegionResource(r), judgeRecorderActive(r))),
    ),
};
