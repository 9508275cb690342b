/**
 * The sandbox's in-memory world: accounts (created on first use), the global bucket namespace,
 * management events, bucket configuration history, credentials issued by STS, and a clock that
 * scenarios can pin and move to build history.
 */
import { createHash, randomUUID } from 'node:crypto';
import type {
  AccountState,
  BucketConfigurationItem,
  BucketState,
  Caller,
  SandboxEvent,
  SandboxStateApi,
} from './types.ts';
import type { SandboxOrganization } from './organizations/model.ts';

/** The account that long-term (non-sandbox-issued) access keys act as unless configured otherwise. */
export const DEFAULT_ACCOUNT_ID = '111122223333';

/** Temporary credentials issued by the sandbox's STS, keyed by access key id in the state. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** The identity the credentials act as. */
  caller: Caller;
}

/** Canonical user id of an account (64 hex chars, stable per account id). */
export function canonicalIdFor(accountId: string): string {
  return createHash('sha256').update(`sandbox-canonical:${accountId}`).digest('hex');
}

/** The whole sandbox state; one instance per running sandbox. */
export class SandboxState implements SandboxStateApi {
  readonly defaultAccountId: string;
  readonly accounts = new Map<string, AccountState>();
  readonly buckets = new Map<string, BucketState>();
  readonly events: SandboxEvent[] = [];
  readonly bucketHistory = new Map<string, BucketConfigurationItem[]>();
  /** Temporary credentials issued by STS, by access key id. */
  readonly issuedCredentials = new Map<string, IssuedCredentials>();
  /** The AWS Organization, once CreateOrganization has been called. */
  organization: SandboxOrganization | undefined;
  /** `undefined` = real time; otherwise the pinned current time in epoch ms. */
  private pinnedMs: number | undefined;

  constructor(opts: { defaultAccountId?: string } = {}) {
    this.defaultAccountId = opts.defaultAccountId ?? DEFAULT_ACCOUNT_ID;
  }

  account(accountId: string): AccountState {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { id: accountId, canonicalId: canonicalIdFor(accountId), services: new Map() };
      this.accounts.set(accountId, account);
    }
    return account;
  }

  recordEvent(event: Omit<SandboxEvent, 'eventId'>): void {
    this.events.push({ eventId: randomUUID(), requestId: randomUUID().toUpperCase(), ...event });
  }

  /** Append a configuration item to a bucket's history. */
  recordBucketConfiguration(item: BucketConfigurationItem): void {
    const items = this.bucketHistory.get(item.bucket);
    if (items) items.push(item);
    else this.bucketHistory.set(item.bucket, [item]);
  }

  now(): Date {
    return new Date(this.pinnedMs ?? Date.now());
  }

  /** Pin the clock at `date`; it stays there until advanced or released. */
  setNow(date: Date): void {
    this.pinnedMs = date.getTime();
  }

  /** Move the clock forward by `ms` (pins it first when it was following real time). */
  advance(ms: number): void {
    this.pinnedMs = (this.pinnedMs ?? Date.now()) + ms;
  }

  /** Follow real time again. */
  useRealTime(): void {
    this.pinnedMs = undefined;
  }
}
