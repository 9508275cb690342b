import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  complianceConfigHistory,
  type ComplianceItem,
} from '../../src/sandbox/services/config/compliance-history.ts';
import type { ConfigRegionState } from '../../src/sandbox/services/config/store.ts';
import type { JsonRequest } from '../../src/sandbox/types.ts';

const RESOURCE = 'AWS::S3::Bucket/long-history';
const T0 = Date.UTC(2026, 6, 1);
const rule = {
  configRuleName: 'r',
  configRuleArn: 'arn:aws:config:us-east-1:1:config-rule/r',
  configRuleId: 'id',
};

/** A resource whose compliance flipped `n` times, one item a minute, as recordComplianceChanges keeps them. */
function stateWith(n: number): { config: ConfigRegionState; items: ComplianceItem[] } {
  const items: ComplianceItem[] = Array.from({ length: n }, (_, i) => ({
    captureTime: new Date(T0 + i * 60_000),
    rules: [{ ...rule, complianceType: i % 2 === 0 ? 'COMPLIANT' : 'NON_COMPLIANT' }],
  }));
  const config = {
    deliveryChannels: new Map(),
    rules: new Map(),
    complianceHistory: new Map([[RESOURCE, items]]),
  };
  return { config, items };
}

function request(input: Record<string, unknown>): JsonRequest {
  return {
    operation: 'GetResourceConfigHistory',
    input: { resourceType: 'AWS::Config::ResourceCompliance', resourceId: RESOURCE, ...input },
    region: 'us-east-1',
    caller: { accountId: '111122223333' },
    state: { now: () => new Date(T0 + 10 * 86_400_000) },
    requestId: 'test',
  } as unknown as JsonRequest;
}

type Page = {
  configurationItems: { configurationItemStatus: string; configurationStateId: string }[];
  nextToken?: string;
};

afterEach(() => vi.restoreAllMocks());

describe('sandbox Config compliance history', () => {
  it('numbers each item by its place in the history without searching the history for it', () => {
    const { config, items } = stateWith(250);
    // Counts searches of this resource's history (each one a pass over it).
    const original = Array.prototype.indexOf;
    let searches = 0;
    vi.spyOn(Array.prototype, 'indexOf').mockImplementation(function (this: unknown[], ...args) {
      if (this === items) searches++;
      return original.apply(this, args as [unknown, number?]);
    });

    const ids: string[] = [];
    const statuses: string[] = [];
    let token: string | undefined;
    do {
      const page = complianceConfigHistory(
        request({ chronologicalOrder: 'Forward', limit: 100, ...(token ? { nextToken: token } : {}) }),
        config,
      ) as Page;
      for (const i of page.configurationItems) {
        ids.push(i.configurationStateId);
        statuses.push(i.configurationItemStatus);
      }
      token = page.nextToken;
    } while (token);

    expect(searches).toBe(0);
    expect(ids).toEqual(items.map((it, i) => String(it.captureTime.getTime()) + String(i).padStart(6, '0')));
    expect(statuses[0]).toBe('ResourceDiscovered');
    expect(statuses.slice(1).every((s) => s === 'OK')).toBe(true);

    // Newest first, a window in the middle: the same ids, numbered by their place in the whole history.
    const reverse = complianceConfigHistory(
      request({ earlierTime: (T0 + 10 * 60_000) / 1000, laterTime: (T0 + 12 * 60_000) / 1000, limit: 100 }),
      config,
    ) as Page;
    expect(reverse.configurationItems.map((i) => i.configurationStateId)).toEqual([
      ids[12],
      ids[11],
      ids[10],
    ]);
  });
});
