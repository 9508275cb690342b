import type { KeyRotation, KmsKeyMetadata, KmsKeySnapshot } from '../../snapshot/model.ts';
import type { CheckDefinition, EvaluationContext } from '../types.ts';
import { describeGap } from '../../snapshot/outcome.ts';
import { evidenceOf, gapVerdict, verdict, type Verdict } from '../support.ts';
import { forEachCustomerKey } from './key-support.ts';

const ID = 'kms.rotation-enabled';
/** Default of config `kms.maxRotationDays`. */
export const DEFAULT_MAX_ROTATION_DAYS = 365;
const DAY_MS = 86_400_000;

/** The latest completed rotation, if any. */
export function lastRotation(rotations: readonly KeyRotation[]): KeyRotation | undefined {
  let last: KeyRotation | undefined;
  for (const r of rotations) if (!last || r.rotationDate > last.rotationDate) last = r;
  return last;
}

function day(isoTime: string | undefined): string {
  return isoTime ? isoTime.slice(0, 10) : 'unknown';
}

function lastProse(last: KeyRotation | undefined, meta: KmsKeyMetadata): string {
  return last
    ? `last rotated ${day(last.rotationDate)} (${last.rotationType === 'ON_DEMAND' ? 'on demand' : 'automatic'})`
    : `never rotated since its creation on ${day(meta.creationDate)}`;
}

/** Keys with imported material: judged on their on-demand rotations (ListKeyRotations). */
function judgeImported(
  key: KmsKeySnapshot,
  meta: KmsKeyMetadata,
  ctx: EvaluationContext,
  max: number,
): Verdict {
  const rots = key.rotations;
  const evidence = evidenceOf(key.metadata, rots);
  if (rots.status === 'denied' || rots.status === 'error')
    return gapVerdict('the rotation history of the imported key material', rots, evidence);
  if (rots.status === 'absent')
    return verdict(
      'not-applicable',
      `KMS does not support rotation for this key (${rots.errorCode}).`,
      evidence,
    );
  const last = lastRotation(rots.value);
  const since = last?.rotationDate ?? meta.creationDate;
  const prefix = 'The key uses imported key material (Origin EXTERNAL), which rotates on demand only';
  if (!since)
    return verdict(
      'insufficient-evidence',
      `${prefix}; it was never rotated and its creation date is unknown.`,
      evidence,
    );
  const age = Math.floor((ctx.now.getTime() - Date.parse(since)) / DAY_MS);
  if (age > max)
    return verdict(
      'fail',
      `${prefix}; it was ${lastProse(last, meta)}, ${age} days ago, more than kms.maxRotationDays (${max}).`,
      evidence,
    );
  return verdict('pass', `${prefix}; it was ${lastProse(last, meta)}, within ${max} days.`, evidence);
}

/** `kms.rotation-enabled`: rotation is on, with a period no longer than `kms.maxRotationDays`, and evidenced. */
export const rotationEnabled: CheckDefinition = {
  id: ID,
  title: 'KMS key rotation is enabled',
  severity: 'medium',
  criteria: ['CC6.6', 'CC6.1'],
  description:
    'GetKeyRotationStatus is true with a period no longer than kms.maxRotationDays (365); imported material rotated on demand within it; not applicable to asymmetric, HMAC and custom key store keys.',
  reads: ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListKeyRotations'],
  method:
    'Per customer managed key behind a bucket: passes when KeyRotationEnabled is true, RotationPeriodInDays is at most kms.maxRotationDays and the rotation history (ListKeyRotations, every page) was read; the reason states the period, the last actual rotation and the next one. Fails when rotation is off or the period is longer. Keys with imported material (Origin EXTERNAL) rotate on demand only: they pass when the last rotation in ListKeyRotations (or, with none, the key creation) is at most kms.maxRotationDays old. Not applicable to asymmetric, HMAC and custom key store keys; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) =>
    forEachCustomerKey(ID, ctx, (key, meta) => {
      const max = ctx.maxRotationDays ?? DEFAULT_MAX_ROTATION_DAYS;
      const ev = evidenceOf(key.metadata);
      if (meta.keySpec !== 'SYMMETRIC_DEFAULT') {
        const kind = meta.keySpec.startsWith('HMAC') ? 'an HMAC' : 'an asymmetric';
        return verdict(
          'not-applicable',
          `The key is ${kind} key (${meta.keySpec}); AWS does not rotate such keys.`,
          ev,
        );
      }
      if (meta.customKeyStoreId || meta.origin === 'AWS_CLOUDHSM' || meta.origin === 'EXTERNAL_KEY_STORE') {
        return verdict(
          'not-applicable',
          'The key lives in a custom key store, which does not support automatic rotation.',
          ev,
        );
      }
      if (meta.origin === 'EXTERNAL') return judgeImported(key, meta, ctx, max);
      const rot = key.rotation;
      const rots = key.rotations;
      const evidence = evidenceOf(key.metadata, rot, rots);
      if (rot.status === 'denied' || rot.status === 'error') return gapVerdict('key rotation', rot, evidence);
      if (rot.status === 'absent')
        return verdict(
          'not-applicable',
          `KMS does not support rotation for this key (${rot.errorCode}).`,
          evidence,
        );
      const history = rots.status === 'ok' ? lastProse(lastRotation(rots.value), meta) : undefined;
      const historyNote = history
        ? `; the key was ${history}`
        : rots.status === 'denied' || rots.status === 'error'
          ? `; its rotation history could not be read (${describeGap(rots)})`
          : '';
      const pending = rot.value.onDemandRotationStartDate
        ? `; an on-demand rotation started ${day(rot.value.onDemandRotationStartDate)} is in progress`
        : '';
      if (!rot.value.enabled)
        return verdict('fail', `Automatic key rotation is disabled${historyNote}${pending}.`, evidence);
      const period = rot.value.rotationPeriodInDays;
      const next = rot.value.nextRotationDate ? `, next ${day(rot.value.nextRotationDate)}` : '';
      if (period !== undefined && period > max)
        return verdict(
          'fail',
          `Automatic key rotation is enabled every ${period} days, longer than kms.maxRotationDays (${max})${historyNote}${next}${pending}.`,
          evidence,
        );
      if (rots.status === 'denied' || rots.status === 'error')
        return gapVerdict(
          `whether rotation happens (enabled every ${period ?? '?'} days${next})`,
          rots,
          evidence,
        );
      return verdict(
        'pass',
        `Automatic key rotation is enabled every ${period ?? '?'} days (at most ${max})${historyNote}${next}${pending}.`,
        evidence,
      );
    }),
};
