/**
 * The sandbox's Resource Groups Tagging API (JSON 1.1, `ResourceGroupsTaggingAPI_20170126.<Operation>`):
 * `GetResources` for S3 buckets, the only resource type the sandbox models. As on AWS, a call in a
 * region lists the tagged resources of the caller's account located in that region, each with its
 * tags; a resource without tags is not listed. Pages of `ResourcesPerPage` (1–100, default 50); the
 * last page's `PaginationToken` is the empty string.
 */
import { SandboxError, type JsonRequest, type JsonService } from '../types.ts';
import { pageOf } from './kms/offset-page.ts';

const S3_TYPES = new Set(['s3', 's3:bucket']);

function stringList(input: Record<string, unknown>, field: string): string[] | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new SandboxError('InvalidParameterException', `${field} must be a list of strings`, 400);
  return value as string[];
}

function getResources(req: JsonRequest): unknown {
  const { input } = req;
  const perPage = input['ResourcesPerPage'] ?? 50;
  if (typeof perPage !== 'number' || !Number.isInteger(perPage) || perPage < 1 || perPage > 100)
    throw new SandboxError('InvalidParameterException', 'ResourcesPerPage must be between 1 and 100', 400);
  if (input['TagFilters'] !== undefined || input['ResourceARNList'] !== undefined)
    throw new SandboxError(
      'InvalidParameterException',
      'the sandbox supports GetResources by ResourceTypeFilters only',
      400,
    );
  const types = stringList(input, 'ResourceTypeFilters');
  const wantsS3 = types === undefined || types.some((t) => S3_TYPES.has(t));
  const token = input['PaginationToken'];
  if (token !== undefined && typeof token !== 'string')
    throw new SandboxError('InvalidParameterException', 'PaginationToken must be a string', 400);
  const accountId = req.caller.accountId;
  const tagged = wantsS3
    ? [...req.state.buckets.values()]
        .filter((b) => b.accountId === accountId && b.region === req.region && b.tags !== undefined)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    : [];
  const page = pageOf(
    tagged,
    token,
    perPage,
    `GetResources:${accountId}:${req.region}`,
    'PaginationTokenExpiredException',
  );
  return {
    PaginationToken: page.nextToken ?? '',
    ResourceTagMappingList: page.items.map((b) => ({
      ResourceARN: `arn:aws:s3:::${b.name}`,
      Tags: Object.entries(b.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    })),
  };
}

/** Operation handlers of the Tagging API. */
export const taggingService: JsonService = {
  GetResources: getResources,
};
