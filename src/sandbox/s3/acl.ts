/**
 * S3 access control lists: canned ACLs, `x-amz-grant-*` headers and `AccessControlPolicy` bodies
 * turned into grants; which grants are public; and the XML GetBucketAcl answers with.
 */
import type { GrantState } from '../types.ts';
import { child, children, text } from '../xml.ts';
import type { XmlNode } from '../xml.ts';
import { S3Error } from './context.ts';

/** The "everyone" group. */
export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
/** Any AWS account holder. */
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
/** The S3 server access log delivery group. */
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

const PERMISSIONS = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'] as const;
type Permission = GrantState['permission'];

function group(uri: string, permission: Permission): GrantState {
  return { type: 'Group', id: uri, permission };
}

/** The grants of a canned ACL on a bucket owned by `ownerId`. */
export function cannedAcl(name: string, ownerId: string): GrantState[] {
  const owner: GrantState = { type: 'CanonicalUser', id: ownerId, permission: 'FULL_CONTROL' };
  switch (name) {
    case 'private':
    case 'bucket-owner-full-control':
    case 'bucket-owner-read':
      return [owner];
    case 'public-read':
      return [owner, group(ALL_USERS, 'READ')];
    case 'public-read-write':
      return [owner, group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE')];
    case 'authenticated-read':
      return [owner, group(AUTHENTICATED_USERS, 'READ')];
    case 'log-delivery-write':
      return [owner, group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')];
    default:
      throw new S3Error('InvalidArgument', `Invalid canned ACL: ${name}`, 400, {
        ArgumentName: 'x-amz-acl',
        ArgumentValue: name,
      });
  }
}

const GRANT_HEADERS: Record<string, Permission> = {
  'x-amz-grant-full-control': 'FULL_CONTROL',
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
};

const GRANTEE = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i;

/** Grants from `x-amz-grant-*` headers (`id="..."`, `uri="..."`, `emailAddress="..."`, comma separated). */
export function headerGrants(
  headers: Record<string, string | string[] | undefined>,
): GrantState[] | undefined {
  const grants: GrantState[] = [];
  let any = false;
  for (const [name, permission] of Object.entries(GRANT_HEADERS)) {
    const raw = headers[name];
    if (raw === undefined) continue;
    any = true;
    for (const part of (Array.isArray(raw) ? raw.join(',') : raw).split(',')) {
      const match = GRANTEE.exec(part);
      if (!match?.[1] || match[2] === undefined) {
        throw new S3Error('InvalidArgument', 'Invalid grantee in grant header', 400, { ArgumentName: name });
      }
      const kind = match[1].toLowerCase();
      const type = kind === 'id' ? 'CanonicalUser' : kind === 'uri' ? 'Group' : 'AmazonCustomerByEmail';
      grants.push({ type, id: match[2], permission });
    }
  }
  return any ? grants : undefined;
}

/** Grants from an `AccessControlPolicy` request body. */
export function bodyGrants(doc: XmlNode): GrantState[] {
  const list = child(child(doc, 'AccessControlPolicy'), 'AccessControlList');
  return children(list, 'Grant').map((grant) => {
    const grantee = child(grant, 'Grantee');
    const type = typeof grantee['@_type'] === 'string' ? grantee['@_type'] : '';
    const permission = text(grant, 'Permission') ?? '';
    if (!(PERMISSIONS as readonly string[]).includes(permission)) {
      throw new S3Error(
        'MalformedACLError',
        'The XML you provided was not well-formed or did not validate against our published schema',
        400,
      );
    }
    const id =
      type === 'Group'
        ? text(grantee, 'URI')
        : type === 'AmazonCustomerByEmail'
          ? text(grantee, 'EmailAddress')
          : text(grantee, 'ID');
    if (!id || !['CanonicalUser', 'Group', 'AmazonCustomerByEmail'].includes(type)) {
      throw new S3Error(
        'MalformedACLError',
        'The XML you provided was not well-formed or did not validate against our published schema',
        400,
      );
    }
    // A DisplayName in the request is ignored: S3 no longer stores or returns display names.
    return { type, id, permission: permission as Permission };
  });
}

/** True when the grant gives access to everyone or to any AWS account holder. */
export function isPublicGrant(grant: GrantState): boolean {
  return grant.type === 'Group' && (grant.id === ALL_USERS || grant.id === AUTHENTICATED_USERS);
}

/** True when the ACL grants only the owner full control (what `BucketOwnerEnforced` allows). */
export function isOwnerOnly(grants: GrantState[], ownerId: string): boolean {
  return grants.every(
    (g) => g.type === 'CanonicalUser' && g.id === ownerId && g.permission === 'FULL_CONTROL',
  );
}

/** The `AccessControlPolicy` content of a GetBucketAcl answer: canonical ids, no `DisplayName` (gone since Nov 2025). */
export function aclXml(ownerId: string, grants: GrantState[]): XmlNode {
  return {
    Owner: { ID: ownerId },
    AccessControlList: {
      Grant: grants.map((g) => ({
        Grantee: {
          '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
          '@_xsi:type': g.type,
          ...(g.type === 'Group'
            ? { URI: g.id }
            : g.type === 'AmazonCustomerByEmail'
              ? { EmailAddress: g.id }
              : { ID: g.id }),
        },
        Permission: g.permission,
      })),
    },
  };
}
