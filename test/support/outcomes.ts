/**
 * The one source of outcomes for test snapshots (check, capture and render fixtures): each builder
 * can only make an outcome the collectors can produce. `absentOf` is typed by the operation: its
 * error code must be one the classifier or a collector turns into `absent` for that operation, so
 * e.g. an absent bucket ACL (S3 has no "no ACL" answer) does not compile.
 */
import type { ABSENT_CODES } from '../../src/aws/classify.ts';
import type { Absent, Denied, EvidenceRef, Failed, Ok } from '../../src/snapshot/outcome.ts';

/** Not-configured answers the classifier reads as `absent` (src/aws/classify.ts), per `service:Operation`. */
type ClassifiedAbsent = { [K in keyof typeof ABSENT_CODES]: (typeof ABSENT_CODES)[K][number] };

/**
 * Absent outcomes a collector makes itself: a key a bucket names that does not exist
 * (src/collect/kms.ts), a bucket AWS Config never discovered (src/collect/config-history.ts), no
 * inventory report delivered yet (src/collect/object-inventory.ts), and
 * facts implied by an earlier answer (`derived:`), e.g. no policy status without a policy.
 */
interface CollectorAbsent {
  'kms:DescribeKey': 'NotFoundException';
  'kms:GetKeyPolicy': 'derived:NotFoundException';
  'kms:GetKeyRotationStatus': 'derived:UnsupportedOperationException' | 'derived:NotFoundException';
  'kms:ListKeyRotations': 'derived:UnsupportedOperationException' | 'derived:NotFoundException';
  's3:GetBucketPolicyStatus': 'derived:NoSuchBucketPolicy';
  'config:GetResourceConfigHistory': 'ResourceNotDiscoveredException';
  // No S3 Inventory report delivered yet under the configuration's prefix (src/collect/object-inventory.ts).
  's3:ListObjectsV2': 'derived:NoInventoryReport';
}

type AbsentTable = {
  [K in keyof ClassifiedAbsent | keyof CollectorAbsent]:
    | (K extends keyof ClassifiedAbsent ? ClassifiedAbsent[K] : never)
    | (K extends keyof CollectorAbsent ? CollectorAbsent[K] : never);
};

/** The error codes that can make `service:operation` absent; `never` when nothing can. */
export type AbsentCodeFor<K extends string> = K extends keyof AbsentTable ? AbsentTable[K] : never;

/** Default identity of fixture evidence. */
export interface EvidenceSite {
  accountId: string;
  region: string;
}

let seq = 0;

/**
 * Restart call and request numbering, so that a builder run twice gives identical refs (and the
 * views rendered from them identical bytes).
 */
export function resetRefs(): void {
  seq = 0;
}

/** A fake evidence ref for one recorded call (unique call id and request id). */
export function ref(
  service: string,
  operation: string,
  site: EvidenceSite = { accountId: '111122223333', region: 'us-east-1' },
): EvidenceRef {
  seq += 1;
  return {
    file: `raw/${service}/${site.region}.jsonl`,
    callId: `${service}-${site.region}-${site.accountId}-${String(seq).padStart(6, '0')}`,
    service,
    operation,
    requestId: `req-${seq}`,
  };
}

/** The fact was read. */
export function okOf<T>(
  value: T,
  op: string,
  service = 's3',
  evidence: EvidenceRef = ref(service, op),
): Ok<T> {
  return { status: 'ok', value, evidence };
}

/** The thing does not exist, as the collector of `service:op` can say (see {@link AbsentCodeFor}). */
export function absentOf<const Op extends string, const S extends string = 's3'>(
  errorCode: AbsentCodeFor<`${S}:${Op}`>,
  op: Op,
  service?: S,
  evidence: EvidenceRef = ref(service ?? 's3', op),
): Absent {
  return { status: 'absent', errorCode, evidence };
}

/** The read was refused (any operation can be). */
export function deniedOf(
  op: string,
  service = 's3',
  evidence: EvidenceRef = ref(service, op),
  message = 'denied',
): Denied {
  const errorCode = service === 's3' || service === 's3control' ? 'AccessDenied' : 'AccessDeniedException';
  return { status: 'denied', errorCode, message, evidence };
}

/** The read failed (throttled past retries by default; any operation can fail). */
export function errorOf(
  op: string,
  service = 's3',
  evidence: EvidenceRef = ref(service, op),
  errorCode = 'ThrottlingException',
  message = 'throttled',
): Failed {
  return { status: 'error', errorCode, message, evidence };
}
