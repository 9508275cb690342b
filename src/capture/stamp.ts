/**
 * The visible stamp every screenshot carries: account, region, resource, UTC time, source, the
 * identity that captured it and the checks (with criteria) the image supports, plus a "SANDBOX OUTPUT — not AWS" label for sandbox images. The banner is
 * part of the captured page, so the stamp is in the PNG itself.
 */
import { forDisplay } from '../text/safe-text.ts';
import { renderTemplate } from './views/render.ts';
import { BANNER_TEMPLATE } from './views/templates.ts';

/** What a screenshot is stamped with. */
export interface Stamp {
  account: string;
  region: string;
  resource: string;
  /** ISO-8601 UTC; for an API view the recorded call time, for a console page the capture time. */
  capturedAt: string;
  /** Console URL without any token, or `API <service> <Operation> (request id <id>)`. */
  source: string;
  /** The caller ARN that made the call or signed in. */
  identity: string;
  /** True when the image shows sandbox output. */
  sandbox: boolean;
  /** Which time `capturedAt` is. */
  timeLabel: 'API call time (UTC)' | 'Captured (UTC)';
  /** The check ids (with criteria) whose results cite what the image shows. */
  supports?: string | undefined;
}

/** The sandbox label, exactly as it appears on images. */
export const SANDBOX_LABEL = 'SANDBOX OUTPUT — not AWS';

/** `2026-01-02T03:04:05.678Z` → `2026-01-02 03:04:05 UTC`; anything unparseable is shown as given. */
export function formatUtc(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The banner as an HTML fragment (every value escaped). */
export function stampBannerHtml(stamp: Stamp): string {
  return renderTemplate(BANNER_TEMPLATE, {
    ...stamp,
    time: formatUtc(stamp.capturedAt),
    sandboxLabel: stamp.sandbox ? SANDBOX_LABEL : undefined,
  });
}

/** The banner's text content, as a reader of the PNG would see it (used to check pages before capture). */
export function stampLines(stamp: Stamp): string[] {
  // As the banner shows them: values pass through the same display form as every view value.
  const v = forDisplay;
  const lines = [
    `Account ${v(stamp.account)}`,
    `Region ${v(stamp.region)}`,
    `Resource ${v(stamp.resource)}`,
    `${v(stamp.timeLabel)} ${v(formatUtc(stamp.capturedAt))}`,
    `Source ${v(stamp.source)}`,
    `Identity ${v(stamp.identity)}`,
    ...(stamp.supports ? [`Supports ${v(stamp.supports)}`] : []),
  ];
  return stamp.sandbox ? [SANDBOX_LABEL, ...lines] : lines;
}
