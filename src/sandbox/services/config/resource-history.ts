/**
 * Configuration items of the non-bucket resources AWS Config records for the period evidence:
 * the account's S3 Block Public Access (`AWS::S3::AccountPublicAccessBlock`), KMS keys
 * (`AWS::KMS::Key`) and trails (`AWS::CloudTrail::Trail`). The owning services call
 * {@link recordResourceState} after every write; a new item is appended only when the recorded
 * configuration changed, as Config records a change, not a call. What Config does not record for a
 * type (a KMS key's policy, a trail's event selectors) is not in the item either.
 */
import type { AccountState } from '../../types.ts';

export const ACCOUNT_PAB_TYPE = 'AWS::S3::AccountPublicAccessBlock';
export const KMS_KEY_TYPE = 'AWS::KMS::Key';
export const TRAIL_TYPE = 'AWS::CloudTrail::Trail';

/**
 * Which identifier Config files a resource's items under: `name` (a trail's name, a key's key id)
 * or `arn`. AWS's documentation shows neither form for trails or keys, so the collector accepts
 * both; a test switches an account to `arn` with {@link setConfigIdForm} to prove it.
 */
export type ConfigIdForm = 'name' | 'arn';

function idForms(account: AccountState): Map<string, ConfigIdForm> {
  let forms = account.services.get('config-id-forms') as Map<string, ConfigIdForm> | undefined;
  if (!forms) {
    forms = new Map();
    account.services.set('config-id-forms', forms);
  }
  return forms;
}

/** The form of resource id the account's Config items of `type` carry (default `name`). */
export function configIdForm(account: AccountState, type: string): ConfigIdForm {
  return idForms(account).get(type) ?? 'name';
}

/** File the account's future Config items of `type` under `form` of their identifier. */
export function setConfigIdForm(account: AccountState, type: string, form: ConfigIdForm): void {
  idForms(account).set(type, form);
}

/** One configuration item as the sandbox keeps it (rendered in Config's API shape on read). */
export interface ResourceConfigurationItem {
  resourceType: string;
  resourceId: string;
  resourceName: string;
  arn?: string | undefined;
  accountId: string;
  region: string;
  captureTime: Date;
  status: 'ResourceDiscovered' | 'OK' | 'ResourceDeleted';
  resourceCreationTime?: Date | undefined;
  /** The `configuration` object (sent as JSON text). */
  configuration: Record<string, unknown>;
  /** Each value is sent as JSON text, as Config's API does. */
  supplementaryConfiguration: Record<string, unknown>;
}

/** The state a service reports for one resource: the item without status and capture time. */
export type ResourceState = Omit<ResourceConfigurationItem, 'captureTime' | 'status'>;

interface HistoryStore {
  /** Items per `region|type|id`, oldest first. */
  items: Map<string, ResourceConfigurationItem[]>;
}

function storeOf(account: AccountState): HistoryStore {
  let store = account.services.get('config-resource-history') as HistoryStore | undefined;
  if (!store) {
    store = { items: new Map() };
    account.services.set('config-resource-history', store);
  }
  return store;
}

function keyOf(region: string, type: string, id: string): string {
  return `${region}|${type}|${id}`;
}

function sameState(a: ResourceConfigurationItem, b: ResourceState): boolean {
  return (
    JSON.stringify(a.configuration) === JSON.stringify(b.configuration) &&
    JSON.stringify(a.supplementaryConfiguration) === JSON.stringify(b.supplementaryConfiguration)
  );
}

/** Record the resource's state at `now` when it differs from the last recorded one. */
export function recordResourceState(account: AccountState, state: ResourceState, now: Date): void {
  const store = storeOf(account);
  const key = keyOf(state.region, state.resourceType, state.resourceId);
  const list = store.items.get(key);
  const last = list?.at(-1);
  if (last && last.status !== 'ResourceDeleted' && sameState(last, state)) return;
  const item: ResourceConfigurationItem = { ...state, captureTime: now, status: 'OK' };
  if (list) list.push(item);
  else store.items.set(key, [item]);
}

/** Record that the resource no longer exists (once). */
export function recordResourceDeleted(
  account: AccountState,
  region: string,
  type: string,
  id: string,
  now: Date,
): void {
  const list = storeOf(account).items.get(keyOf(region, type, id));
  const last = list?.at(-1);
  if (!list || !last || last.status === 'ResourceDeleted') return;
  list.push({
    ...last,
    captureTime: now,
    status: 'ResourceDeleted',
    configuration: {},
    supplementaryConfiguration: {},
  });
}

/** Every item recorded for the resource, oldest first (before the recorder's intervals apply). */
export function resourceItems(
  account: AccountState,
  region: string,
  type: string,
  id: string,
): ResourceConfigurationItem[] {
  return storeOf(account).items.get(keyOf(region, type, id)) ?? [];
}

/** Every resource of `type` the account's history holds, with the region it is recorded in. */
export function recordedResources(account: AccountState, type: string): { region: string; id: string }[] {
  return [...storeOf(account).items.values()]
    .map((list) => list[0])
    .filter((i): i is ResourceConfigurationItem => i !== undefined && i.resourceType === type)
    .map((i) => ({ region: i.region, id: i.resourceId }));
}
