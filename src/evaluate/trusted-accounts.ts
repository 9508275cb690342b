import type { Config } from '../config/schema.ts';
import type { TrustedAccount } from '../checks/types.ts';
import { isExpired } from './exceptions.ts';

/** The config's trusted external accounts, each marked valid unless it has expired by `now`. */
export function trustedAccounts(entries: Config['trustedAccounts'], now: Date): TrustedAccount[] {
  return entries.map((e) => ({ ...e, valid: !isExpired(e.expires, now) }));
}

/** One warning line per expired trusted account (printed on stderr like expired exceptions). */
export function trustedAccountWarnings(accounts: readonly TrustedAccount[]): string[] {
  return accounts
    .filter((a) => !a.valid)
    .map(
      (a) =>
        `trusted account ${a.accountId} expired on ${a.expires}: its access is reported as external (approved by ${a.approvedBy}).`,
    );
}
