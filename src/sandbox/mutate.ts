/**
 * Changes to a successful answer's body, for tests of how a client copes with a response that
 * lacks a member or carries a malformed one. A path names a member from the top of the body,
 * dot-separated: in JSON the member names (an array on the way applies the rest to each element);
 * in XML the element names from the root element (every element of that name at that level),
 * with a last segment `@name` naming an attribute.
 */
import type { ResponseMutation } from './faults.ts';
import type { Protocol } from './protocols/call.ts';

/** The body with every mutation applied, in order. */
export function mutateBody(body: string, protocol: Protocol, mutations: readonly ResponseMutation[]): string {
  let out = body;
  for (const m of mutations) {
    const path = m.field.split('.').filter(Boolean);
    out = protocol === 'json' ? mutateJson(out, path, m) : mutateXml(out, path, m);
  }
  return out;
}

function mutateJson(body: string, path: string[], m: ResponseMutation): string {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return body;
  }
  applyJson(doc, path, m);
  return JSON.stringify(doc);
}

function applyJson(node: unknown, path: string[], m: ResponseMutation): void {
  if (Array.isArray(node)) {
    for (const item of node) applyJson(item, path, m);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  const obj = node as Record<string, unknown>;
  if (rest.length > 0) {
    applyJson(obj[head], rest, m);
    return;
  }
  if (m.kind === 'StripField') delete obj[head];
  else obj[head] = m.value ?? null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Elements named `name` at this level: `<name …>…</name>` or `<name …/>` (same-name nesting is not supported). */
function elementPattern(name: string): RegExp {
  const n = escapeRegExp(name);
  return new RegExp(`<${n}(\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</${n}>)`, 'g');
}

function mutateXml(xml: string, path: string[], m: ResponseMutation): string {
  const [head, ...rest] = path;
  if (head === undefined) return xml;
  const [next] = rest;
  if (next?.startsWith('@') && rest.length === 1) {
    const attr = escapeRegExp(next.slice(1));
    return xml.replace(elementPattern(head), (whole, attrs: string | undefined) => {
      if (!attrs) return whole;
      const re = new RegExp(`\\s${attr}="[^"]*"`);
      const changed =
        m.kind === 'StripField'
          ? attrs.replace(re, '')
          : attrs.replace(re, ` ${next.slice(1)}="${escapeXml(String(m.value ?? ''))}"`);
      return whole.replace(attrs, changed);
    });
  }
  return xml.replace(elementPattern(head), (whole, attrs: string | undefined, inner: string | undefined) => {
    if (rest.length > 0) {
      if (inner === undefined) return whole;
      return `<${head}${attrs ?? ''}>${mutateXml(inner, rest, m)}</${head}>`;
    }
    if (m.kind === 'StripField') return '';
    return `<${head}${attrs ?? ''}>${escapeXml(String(m.value ?? ''))}</${head}>`;
  });
}
