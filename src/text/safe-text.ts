/**
 * Making untrusted text (AWS data, names read from a pack) harmless where people read it: on a
 * terminal, in a CSV cell or text file, in an HTML view. Each function keeps the text readable and
 * makes every control character visible instead of letting it act.
 */

/* eslint-disable no-control-regex -- matching control characters is the point of this module */
/** C0 controls except tab and newline, DEL, C1 controls. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** C0 controls including tab and newline, DEL, C1 controls. */
const ALL_CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
/* eslint-enable no-control-regex */
/** Bidirectional embeddings, overrides, isolates and marks: they reorder what is displayed. */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

function hexEscape(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text for a terminal: every control character (ESC and CSI sequences included) and every bidi
 * control is written as a visible `\xNN` / `\uNNNN` escape; newlines and tabs are kept unless
 * `singleLine` (then they are escaped too, so a value cannot start a fake line).
 */
export function forTerminal(text: string, opts: { singleLine?: boolean } = {}): string {
  return text.replace(opts.singleLine ? ALL_CONTROLS : CONTROLS, hexEscape).replace(BIDI, hexEscape);
}

/**
 * Text for a CSV cell or README.txt: NUL removed, other controls (except tab and newline) and
 * bidi controls escaped visibly.
 */
export function forPlainText(text: string): string {
  return text.replaceAll('\0', '').replace(CONTROLS, hexEscape).replace(BIDI, hexEscape);
}

/** Longest line shown in a view or the report before it is cut (the full value stays in raw/). */
export const MAX_DISPLAY_LINE = 2_000;
/** Longest multi-line value shown in a view or the report. */
export const MAX_DISPLAY_TEXT = 40_000;

function cut(text: string, at: number): string {
  const code = text.charCodeAt(at - 1);
  // Never split a surrogate pair.
  const end = code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
  return `${text.slice(0, end)}… ${text.length.toLocaleString('en-US')} characters, see raw/`;
}

/**
 * A value as a view or the report shows it: controls other than tab and newline and bidi
 * controls shown as `⟦U+202E⟧`, lines over {@link MAX_DISPLAY_LINE} and values over
 * {@link MAX_DISPLAY_TEXT} characters cut with a marker naming the full length.
 */
export function forDisplay(text: string): string {
  const visible = text.replace(CONTROLS, markCode).replace(BIDI, markCode);
  const lines = visible.length > MAX_DISPLAY_LINE ? visible.split('\n') : [visible];
  const shortLines = lines
    .map((l) => (l.length > MAX_DISPLAY_LINE ? cut(l, MAX_DISPLAY_LINE) : l))
    .join('\n');
  return shortLines.length > MAX_DISPLAY_TEXT ? cut(shortLines, MAX_DISPLAY_TEXT) : shortLines;
}

function markCode(ch: string): string {
  return `⟦U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟧`;
}

/**
 * {@link forDisplay} applied to every string in a template's data, except values that are
 * markup or binary by construction: keys ending in `Html` or `Uri`, `css`, and `data:` URIs.
 */
export function displaySafe<T>(value: T): T {
  return mapStrings(value, '') as T;
}

function mapStrings(value: unknown, key: string): unknown {
  if (typeof value === 'string') {
    if (/(Html|Uri)$/.test(key) || key === 'css' || value.startsWith('data:')) return value;
    return forDisplay(value);
  }
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, key));
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value; // Dates, Buffers, SafeStrings
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, k)]));
  }
  return value;
}
