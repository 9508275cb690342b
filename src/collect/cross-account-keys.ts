import type { ClientFactory } from '../aws/client-factory.ts';
import type {
  AccountSnapshot,
  ForeignKeyAccount,
  KmsKeySnapshot,
  OrganizationSnapshot,
} from '../snapshot/model.ts';
import { readKeyInOwnAccount } from './kms.ts';
import { uniqueSorted } from './parse.ts';

/** The account a key reference names, when it is an ARN (`arn:<partition>:kms:<region>:<account>:…`). */
function referencedAccount(key: KmsKeySnapshot): string | undefined {
  if (key.metadata.status === 'ok') return key.metadata.value.keyAccountId;
  for (const ref of key.references) {
    const [, , service, , account] = ref.split(':');
    if (ref.startsWith('arn:') && service === 'kms' && account) return account;
  }
  return undefined;
}

/**
 * Keys that buckets name in another account. When the run reads that account, the key is read
 * there, with its own clients, and its entry moves to that account (merged with the entry the
 * account already has for the key). Otherwise the entry stays with the bucket's account, marked
 * with the account it belongs to and whether the organization holds that account.
 */
export async function resolveCrossAccountKeys(
  accounts: AccountSnapshot[],
  factories: ReadonlyMap<string, ClientFactory>,
  organization: OrganizationSnapshot | undefined,
): Promise<void> {
  const read = new Map(accounts.filter((a) => a.identity.status === 'ok').map((a) => [a.accountId, a]));
  const moves: {
    from: AccountSnapshot;
    key: KmsKeySnapshot;
    owner: AccountSnapshot;
    factory: ClientFactory;
  }[] = [];
  for (const account of accounts) {
    for (const key of account.kmsKeys) {
      if (key.usedBy.length === 0) continue;
      const owner = referencedAccount(key);
      if (!owner || owner === account.accountId) continue;
      const ownerAccount = read.get(owner);
      const factory = factories.get(owner);
      if (ownerAccount && factory) moves.push({ from: account, key, owner: ownerAccount, factory });
      else key.foreignAccount = foreignAccount(owner, organization);
    }
  }
  await Promise.all(
    moves.map(async ({ from, key, owner, factory }) => {
      const arn =
        key.metadata.status === 'ok'
          ? key.metadata.value.arn
          : (key.references.find((r) => r.includes(':key/')) ?? key.references[0] ?? '');
      const existing = owner.kmsKeys.find(
        (k) => k.region === key.region && k.metadata.status === 'ok' && k.metadata.value.arn === arn,
      );
      if (existing) {
        existing.references = uniqueSorted([...existing.references, ...key.references]);
        existing.usedBy = uniqueSorted([...existing.usedBy, ...key.usedBy]);
      } else {
        const res = await readKeyInOwnAccount(
          factory,
          owner.accountId,
          key.region,
          arn,
          key.references,
          key.usedBy,
        );
        // An alias ARN cannot be described from another account; a key that cannot be read in its
        // own account stays where it was, with that gap.
        if ('gap' in res) {
          Object.assign(key, { metadata: res.gap, policy: res.gap, rotation: res.gap, rotations: res.gap });
          return;
        }
        owner.kmsKeys.push(res.key);
        owner.kmsKeys.sort((a, b) =>
          a.region === b.region ? cmp(sortName(a), sortName(b)) : cmp(a.region, b.region),
        );
      }
      from.kmsKeys = from.kmsKeys.filter((k) => k !== key);
    }),
  );
}

function foreignAccount(
  accountId: string,
  organization: OrganizationSnapshot | undefined,
): ForeignKeyAccount {
  if (!organization) {
    return {
      accountId,
      organization: 'unknown',
      detail: `account ${accountId} is not among the accounts this run reads, and no organization was read to say who controls it`,
    };
  }
  const member = organization.accounts.find((a) => a.id === accountId);
  if (!member) {
    return {
      accountId,
      organization: 'outside',
      detail: `account ${accountId} is not in the organization (${organization.accounts.length} accounts listed)`,
    };
  }
  const c = member.coverage;
  const why =
    c.status === 'not-read'
      ? c.detail
      : c.status === 'gap'
        ? `its role could not be assumed (${c.gap.errorCode})`
        : 'it was not read';
  return {
    accountId,
    organization: 'member',
    detail: `account ${accountId} (${member.name}) is in the organization but was not read: ${why}`,
  };
}

function sortName(k: KmsKeySnapshot): string {
  return k.metadata.status === 'ok' ? k.metadata.value.arn : (k.references[0] ?? '');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
