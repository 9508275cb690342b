/**
 * Minimal console pages rendered from the sandbox state, at paths mirroring the real console
 * (`/_console/<real host>/<real path>`). Every page says "SANDBOX CONSOLE".
 */
import type { BucketState, PabState, SandboxStateApi } from '../types.ts';
import { effectiveAccountPab } from '../organizations/s3-policy.ts';
import { html, raw, type RawHtml } from './html.ts';
import type { ConsolePrincipal } from './sessions.ts';
import { itemsOf, regionalItems, stringField, toPlain } from './state-view.ts';

/** A rendered page. */
export interface ConsolePage {
  status: number;
  body: string;
}

/** How long the sandbox console takes to show a resource after a fragment change. */
export const ROUTE_DELAY_MS = 300;

const CSS = `
body { margin: 0; font-family: 'DejaVu Sans', sans-serif; font-size: 14px; color: #16191f; background: #f2f3f3; }
.topbar { background: #232f3e; color: #fff; padding: 10px 20px; display: flex; justify-content: space-between; }
.topbar .brand { font-weight: bold; letter-spacing: 1px; color: #ff9900; }
.topbar .who { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; }
main { padding: 16px 24px; }
h1 { font-size: 22px; margin: 0 0 12px; }
.crumbs { color: #545b64; margin-bottom: 8px; }
.panel { background: #fff; border: 1px solid #d5dbdb; margin-bottom: 16px; }
.panel h2 { font-size: 16px; margin: 0; padding: 10px 16px; border-bottom: 1px solid #eaeded; }
.panel .content { padding: 10px 16px; }
table.kv { border-collapse: collapse; } table.kv th { text-align: left; color: #545b64; font-weight: normal;
  padding: 3px 24px 3px 0; vertical-align: top; } table.kv td { padding: 3px 0; word-break: break-all; }
.on { color: #1d8102; font-weight: bold; } .off { color: #d13212; font-weight: bold; }
pre { font-family: 'DejaVu Sans Mono', monospace; font-size: 12.5px; white-space: pre-wrap; word-break: break-all; margin: 0; }
.tabs span { display: inline-block; padding: 6px 14px; border-bottom: 3px solid transparent; }
.tabs span.active { border-bottom-color: #ff9900; font-weight: bold; }
`;

/**
 * Client-side routing like the AWS console's single-page apps: the URL fragment selects the item
 * whose `data-hash` matches (no fragment: every item; an unknown one: "not found"). A fragment change
 * is a same-document navigation, so the page routes on `hashchange`: it marks itself busy
 * (`aria-busy`), keeps showing the previous item while it "loads", and shows the new one after a
 * delay, as a console fetching the resource does.
 */
const HASH_SCRIPT = `(function(){var main=document.getElementById('console-main');
function route(){var h='';try{h=decodeURIComponent(location.hash.slice(1));}catch(e){}
var items=document.querySelectorAll('[data-hash]');var hit=false;
items.forEach(function(e){if(h&&e.getAttribute('data-hash')===h)hit=true;});
items.forEach(function(e){e.style.display=(!h||e.getAttribute('data-hash')===h)?'':'none';});
var nf=document.getElementById('hash-not-found');if(nf)nf.style.display=(h&&!hit)?'':'none';}
route();var pending=0;
window.addEventListener('hashchange',function(){pending++;main.setAttribute('aria-busy','true');
setTimeout(function(){route();if(--pending===0)main.removeAttribute('aria-busy');},${ROUTE_DELAY_MS});});})();`;

/** Wrap page content in the sandbox console chrome. */
export function layout(
  title: string,
  principal: ConsolePrincipal | undefined,
  body: RawHtml,
  script = false,
): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>SANDBOX CONSOLE — ${title}</title>
        <style>
          ${raw(CSS)}
        </style>
      </head>
      <body>
        <div class="topbar">
          <span class="brand">SANDBOX CONSOLE</span
          ><span class="who"
            >${principal ? `${principal.arn} (account ${principal.accountId})` : 'not signed in'}</span
          >
        </div>
        <main id="console-main" data-console-ready="true">
          <h1>${title}</h1>
          ${body}
          ${
            script
              ? raw(
                  '<div class="panel" id="hash-not-found" style="display:none"><div class="content">The resource named in the URL was not found in this region.</div></div>',
                )
              : ''
          }
        </main>
        ${script ? raw(`<script>${HASH_SCRIPT}</script>`) : ''}
      </body>
    </html>`.value;
}

/** The page unauthenticated requests land on. */
export function signinPage(reason: string | null): ConsolePage {
  const why =
    reason === 'token'
      ? 'The sign-in token was not valid or has expired.'
      : 'Sign in through the federation endpoint.';
  return {
    status: 401,
    body: layout(
      'Sign in required',
      undefined,
      html`<div class="panel" id="signin-required"><div class="content">${why}</div></div>`,
    ),
  };
}

/** A page for a path the sandbox console does not know, or a resource outside the signed-in account. */
export function notFoundPage(principal: ConsolePrincipal, what: string): ConsolePage {
  return {
    status: 404,
    body: layout('Not found', principal, html`<div class="panel"><div class="content">${what}</div></div>`),
  };
}

function flag(v: boolean | undefined): RawHtml {
  return v ? html`<span class="on">On</span>` : html`<span class="off">Off</span>`;
}

function pabTable(pab: PabState | undefined, scope: string): RawHtml {
  if (!pab)
    return html`<p class="off">
      Block Public Access is not configured for this ${scope} (all settings Off).
    </p>`;
  return html`<table class="kv">
    <tr>
      <th>Block all public access</th>
      <td>
        ${flag(pab.BlockPublicAcls && pab.IgnorePublicAcls && pab.BlockPublicPolicy && pab.RestrictPublicBuckets)}
      </td>
    </tr>
    <tr>
      <th>Block public access granted through new ACLs (BlockPublicAcls)</th>
      <td>${flag(pab.BlockPublicAcls)}</td>
    </tr>
    <tr>
      <th>Block public access granted through any ACLs (IgnorePublicAcls)</th>
      <td>${flag(pab.IgnorePublicAcls)}</td>
    </tr>
    <tr>
      <th>Block public access granted through new public bucket policies (BlockPublicPolicy)</th>
      <td>${flag(pab.BlockPublicPolicy)}</td>
    </tr>
    <tr>
      <th>
        Block public and cross-account access through any public bucket policies (RestrictPublicBuckets)
      </th>
      <td>${flag(pab.RestrictPublicBuckets)}</td>
    </tr>
  </table>`;
}

function panel(title: string, content: RawHtml, id?: string): RawHtml {
  return html`<div class="panel" ${id ? raw(` id="${id}"`) : ''}>
    <h2>${title}</h2>
    <div class="content">${content}</div>
  </div>`;
}

/** S3 → Block Public Access settings for this account. */
export function accountSettingsPage(state: SandboxStateApi, principal: ConsolePrincipal): ConsolePage {
  const pab = effectiveAccountPab(state, principal.accountId);
  return {
    status: 200,
    body: layout(
      'Block Public Access settings for this account',
      principal,
      html`<div class="crumbs">Amazon S3 › Block Public Access settings for this account</div>
        ${panel(`Account ${principal.accountId}`, pabTable(pab, 'account'), 'account-bpa')}`,
    ),
  };
}

function prettyPolicy(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** S3 → bucket → Properties or Permissions tab. */
export function bucketPage(
  state: SandboxStateApi,
  principal: ConsolePrincipal,
  name: string,
  tab: string | null,
): ConsolePage {
  const bucket = state.buckets.get(name);
  if (!bucket || bucket.accountId !== principal.accountId) {
    return notFoundPage(
      principal,
      `Bucket ${name} does not exist in account ${principal.accountId} or you do not have access.`,
    );
  }
  const active = tab === 'permissions' ? 'permissions' : 'properties';
  const tabs = html`<div class="tabs">
    <span class="${active === 'properties' ? 'active' : ''}">Properties</span
    ><span class="${active === 'permissions' ? 'active' : ''}">Permissions</span>
  </div>`;
  const body = active === 'properties' ? propertiesTab(bucket) : permissionsTab(bucket);
  return {
    status: 200,
    body: layout(
      bucket.name,
      principal,
      html`<div class="crumbs">Amazon S3 › Buckets › ${bucket.name}</div>
        ${tabs}${body}`,
    ),
  };
}

function propertiesTab(b: BucketState): RawHtml {
  const rules = b.encryption ?? [];
  const encryption = rules.length
    ? html`${rules.map(
        (r) =>
          html`<table class="kv">
            <tr>
              <th>Encryption type</th>
              <td>
                ${
                  r.SSEAlgorithm === 'AES256'
                    ? 'Server-side encryption with Amazon S3 managed keys (SSE-S3)'
                    : r.SSEAlgorithm === 'aws:kms:dsse'
                      ? 'Dual-layer server-side encryption with AWS KMS keys (DSSE-KMS)'
                      : 'Server-side encryption with AWS Key Management Service keys (SSE-KMS)'
                }
              </td>
            </tr>
            <tr>
              <th>SSEAlgorithm</th>
              <td>${r.SSEAlgorithm}</td>
            </tr>
            ${
              r.KMSMasterKeyID
                ? html`<tr>
                    <th>Encryption key ARN</th>
                    <td>${r.KMSMasterKeyID}</td>
                  </tr>`
                : ''
            }
            <tr>
              <th>Bucket Key</th>
              <td>${r.BucketKeyEnabled ? 'Enabled' : 'Disabled'}</td>
            </tr>
          </table>`,
      )}`
    : html`<p class="off">Default encryption is not configured.</p>`;
  const tags = Object.entries(b.tags ?? {});
  return html`${panel(
    'Bucket overview',
    html`<table class="kv">
      <tr>
        <th>AWS Region</th>
        <td>${b.region}</td>
      </tr>
      <tr>
        <th>Amazon Resource Name (ARN)</th>
        <td>arn:aws:s3:::${b.name}</td>
      </tr>
      <tr>
        <th>Creation date</th>
        <td>${b.creationDate.toISOString()}</td>
      </tr>
    </table>`,
  )}
  ${panel('Default encryption', encryption, 'default-encryption')}
  ${panel('Bucket Versioning', html`${b.versioning ?? 'Disabled'}`)}
  ${panel(
    'Tags',
    tags.length
      ? html`<table class="kv">
          ${tags.map(
            ([k, v]) =>
              html`<tr>
                <th>${k}</th>
                <td>${v}</td>
              </tr>`,
          )}
        </table>`
      : html`No tags`,
  )}`;
}

function permissionsTab(b: BucketState): RawHtml {
  return html`${panel('Block public access (bucket settings)', pabTable(b.publicAccessBlock, 'bucket'), 'bucket-bpa')}
  ${panel(
    'Bucket policy',
    b.policy ? html`<pre>${prettyPolicy(b.policy)}</pre>` : html`No policy to display.`,
    'bucket-policy',
  )}
  ${panel('Object Ownership', html`${b.objectOwnership ?? 'Object writer (ACLs enabled)'}`)}
  ${panel(
    'Access control list (ACL)',
    html`<table class="kv">
      ${b.acl.map(
        (g) =>
          html`<tr>
            <th>${g.type}: ${g.id}</th>
            <td>${g.permission}</td>
          </tr>`,
      )}
    </table>`,
  )}`;
}

/** KMS → customer managed keys of the region; the URL fragment `#/kms/keys/<id>` selects one. */
export function kmsPage(state: SandboxStateApi, principal: ConsolePrincipal, region: string): ConsolePage {
  const keys = regionalItems(state.account(principal.accountId).services.get('kms'), region, 'keys');
  const sections = keys.map((k) => {
    const keyId = stringField(k, 'keyId', 'KeyId') ?? '(unknown id)';
    const policy = stringField(k, 'policy', 'Policy');
    const rotation = toPlain(k.rotation) as { enabled?: boolean } | undefined;
    return html`<div data-hash="/kms/keys/${keyId}" class="kms-key">
      ${panel(
        `Key ${keyId}`,
        html`<table class="kv">
            <tr>
              <th>ARN</th>
              <td>${stringField(k, 'arn', 'Arn')}</td>
            </tr>
            <tr>
              <th>Key manager</th>
              <td>${stringField(k, 'keyManager', 'KeyManager')}</td>
            </tr>
            <tr>
              <th>Status</th>
              <td>${stringField(k, 'keyState', 'KeyState')}</td>
            </tr>
            <tr>
              <th>Key spec / usage</th>
              <td>${stringField(k, 'keySpec', 'KeySpec')} / ${stringField(k, 'keyUsage', 'KeyUsage')}</td>
            </tr>
            <tr>
              <th>Description</th>
              <td>${stringField(k, 'description', 'Description') ?? ''}</td>
            </tr>
            <tr>
              <th>Automatic key rotation</th>
              <td>${rotation?.enabled ? 'Enabled' : 'Disabled'}</td>
            </tr>
          </table>
          <h3>Key policy</h3>
          <pre>${policy ? prettyPolicy(policy) : '(no policy)'}</pre>`,
      )}
    </div>`;
  });
  return {
    status: 200,
    body: layout(
      `Key Management Service (${region})`,
      principal,
      html`<div class="crumbs">KMS › Keys</div>
        ${sections.length ? sections : html`<p>No keys in ${region}.</p>`}`,
      true,
    ),
  };
}

/** Config → rules of the region; the fragment `#/rules/details?configRuleName=<name>` selects one. */
export function configPage(state: SandboxStateApi, principal: ConsolePrincipal, region: string): ConsolePage {
  const service = state.account(principal.accountId).services.get('config');
  const rules = regionalItems(service, region, 'rules');
  const sections = rules.map((r) => {
    const name = stringField(r, 'ConfigRuleName', 'configRuleName', 'name') ?? '(unnamed rule)';
    return html`<div data-hash="/rules/details?configRuleName=${name}" class="config-rule">
      ${panel(`Rule ${name}`, html`<pre>${JSON.stringify(toPlain(r), null, 2)}</pre>`)}
    </div>`;
  });
  const evaluations = itemsOf((service as { evaluations?: unknown } | undefined)?.evaluations);
  return {
    status: 200,
    body: layout(
      `AWS Config rules (${region})`,
      principal,
      html`<div class="crumbs">AWS Config › Rules</div>
        ${sections.length ? sections : html`<p>No rules in ${region}.</p>`}${
          evaluations.length
            ? panel('Evaluations', html`<pre>${JSON.stringify(toPlain(evaluations), null, 2)}</pre>`)
            : ''
        }`,
      true,
    ),
  };
}

/** CloudTrail → trails of the region; the fragment `#/trails/<arn>` selects one. */
export function cloudTrailPage(
  state: SandboxStateApi,
  principal: ConsolePrincipal,
  region: string,
): ConsolePage {
  const trails = regionalItems(
    state.account(principal.accountId).services.get('cloudtrail'),
    region,
    'trails',
  );
  const sections = trails.map((t) => {
    const arn = stringField(t, 'TrailARN', 'trailArn', 'arn') ?? '';
    const name = stringField(t, 'Name', 'name') ?? arn;
    return html`<div data-hash="/trails/${arn}" class="trail">
      ${panel(`Trail ${name}`, html`<pre>${JSON.stringify(toPlain(t), null, 2)}</pre>`)}
    </div>`;
  });
  return {
    status: 200,
    body: layout(
      `CloudTrail trails (${region})`,
      principal,
      html`<div class="crumbs">CloudTrail › Trails</div>
        ${sections.length ? sections : html`<p>No trails in ${region}.</p>`}`,
      true,
    ),
  };
}
