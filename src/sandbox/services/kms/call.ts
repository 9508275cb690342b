/**
 * The context of one KMS call: the request and the keys it touched, which become the
 * CloudTrail event's resources.
 */
import type { JsonRequest } from '../../types.ts';
import type { KmsKey } from './store.ts';

export interface KmsCall {
  req: JsonRequest;
  /** Keys resolved while handling the call. */
  touched: KmsKey[];
}

/** A KMS operation handler. */
export type KmsHandler = (call: KmsCall) => unknown;
