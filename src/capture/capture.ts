/**
 * Screenshot capture for the pack: API views of recorded responses and/or console pages, in one
 * browser with bounded parallelism. A page that fails is retried once, then recorded as a gap; the
 * run goes on. Every image is stamped (banner inside the PNG).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import type { ConsoleObservation } from '../evaluate/console-cross-checks.ts';
import type { Finding } from '../evaluate/types.ts';
import type { Snapshot } from '../snapshot/model.ts';
import { apiViewSpecs, identityFor, renderApiView } from './api-views.ts';
import { consolePageSpecs, type ConsolePageSpec, type ConsoleUrlKey } from './console-urls.ts';
import {
  captureConsolePage,
  ResourceMismatchError,
  signInToConsole,
  type ConsoleAccess,
  type ConsoleSession,
} from './console.ts';
import { safeFileStem } from './file-names.ts';
import { pagesOf } from './page-pool.ts';
import { RecordReader } from './records.ts';
import { sanitizeError } from './sanitize.ts';
import type { CapturePlan } from './select.ts';
import { stampBannerHtml, stampLines, type Stamp } from './stamp.ts';
import { indexByRecord, supportedBy, type Supported } from './supports.ts';
import { renderTemplate } from './views/render.ts';
import { COMPOSITE_TEMPLATE, PAGE_CSS } from './views/templates.ts';

/** Which screenshots to take. */
export type CaptureMode = 'console' | 'api-view' | 'both' | 'none';

/** One written screenshot, as listed in the pack, with what it is stamped with. */
export interface ScreenshotMeta extends Pick<
  Stamp,
  'account' | 'region' | 'resource' | 'capturedAt' | 'source' | 'identity'
> {
  /** Pack-relative: `screenshots/<name>.png`. */
  path: string;
  title: string;
  kind: 'console' | 'api-view';
  /** sha256 of the PNG bytes. */
  sha256: string;
  /** Kind of view, e.g. `bucket-permissions`, `kms-key-policy`, `config-rule` (the file name's prefix). */
  view: string;
  /** Check ids whose results cite what the image shows, and their criteria (also on the stamp). */
  checks: string[];
  criteria: string[];
  /** The image supports a failing or excepted result of its own resource. */
  attention: boolean;
  /** Console pages: the settings the page showed, for the cross-checks (absent when none were read). */
  observations?: ConsoleObservation[] | undefined;
  /** Console pages: the page's name (`console_<view>_<account>_…`), by which a merge carries it. */
  page?: string | undefined;
}

/**
 * Console screenshots taken elsewhere — in the shards of a sharded run, where the credentials
 * are — carried into this capture instead of signing in to the console.
 */
export interface CarriedConsole {
  /** The stamped image of console page `page` (its name), or why there is none. */
  take(page: string): { png: Buffer; meta: ScreenshotMeta } | { reason: string };
}

/** Something that could not be captured, and why. */
export interface CaptureGap {
  item: string;
  reason: string;
}

/** Options of {@link captureScreenshots}. */
export interface CaptureOptions {
  mode: CaptureMode;
  plan: CapturePlan;
  snapshot: Snapshot;
  /** `raw/` is read from here; PNGs are written to `<workDir>/screenshots/`. */
  workDir: string;
  browser: Browser;
  /** Console access; without it (and without `carried`) console capture is recorded as a gap. */
  console?: ConsoleAccess | undefined;
  /** Console screenshots taken elsewhere: console pages are taken from here, not from the console. */
  carried?: CarriedConsole | undefined;
  /** `config.capture.consoleUrls`. */
  consoleUrls?: Partial<Record<ConsoleUrlKey, string>> | undefined;
  concurrency: number;
  timeoutMs: number;
  /** The run's results: each stamp names the checks (and criteria) whose results cite the image's records. */
  findings?: readonly Finding[] | undefined;
  onProgress?: ((event: { done: number; total: number; item: string; ok: boolean }) => void) | undefined;
}

/** What capture produced. */
export interface CaptureResult {
  images: ScreenshotMeta[];
  gaps: CaptureGap[];
  seed: string;
}

/** Viewport of API views; the height grows with the page (full-page capture). */
export const API_VIEW_VIEWPORT = { width: 1200, height: 800 } as const;

interface Job {
  item: string;
  /** `attempt` is 0, then 1 for the retry. */
  run: (attempt: number) => Promise<ScreenshotMeta>;
}

/** Capture every planned screenshot. Never throws for a single page; gaps say what is missing. */
export async function captureScreenshots(opts: CaptureOptions): Promise<CaptureResult> {
  const gaps: CaptureGap[] = opts.plan.unknownKeyBuckets.map((name) => ({
    item: `bucket ${name}`,
    reason: 'listed in capture.keyBuckets but not found in any account',
  }));
  for (const name of opts.plan.omittedAttentionBuckets) {
    gaps.push({
      item: `bucket ${name}`,
      reason:
        'has a failing or excepted result but was not captured: more such buckets than capture.maxAttentionBuckets',
    });
  }
  for (const accountId of opts.plan.omittedAccounts) {
    gaps.push({
      item: `account ${accountId} (account-level views)`,
      reason:
        'not sampled: more accounts than capture.maxAccounts; its records are in raw/ and its results in the findings',
    });
  }
  const byRecord = indexByRecord(opts.findings ?? []);
  if (opts.mode === 'none') return { images: [], gaps, seed: opts.plan.seed };

  await mkdir(join(opts.workDir, 'screenshots'), { recursive: true });
  const viewContext = await staticContext(opts.browser, opts.timeoutMs);
  const consoleSessions = new Map<string, Promise<ConsoleSession>>();
  try {
    const jobs: Job[] = [];
    const used = new Set<string>();
    const fileFor = (name: string): string => {
      let stem = safeFileStem(name);
      for (let n = 2; used.has(stem); n++) stem = `${safeFileStem(name)}-${n}`;
      used.add(stem);
      return `screenshots/${stem}.png`;
    };

    if (opts.mode === 'api-view' || opts.mode === 'both') {
      const reader = new RecordReader(opts.workDir);
      for (const target of opts.plan.targets) {
        for (const spec of apiViewSpecs(target, opts.snapshot)) {
          const path = fileFor(spec.name);
          const supports = supportedBy(
            byRecord,
            spec.sections.map((x) => x.ref),
            spec.resource,
          );
          jobs.push({
            item: `api-view ${spec.name}`,
            run: async () => {
              const view = await renderApiView(spec, reader, {
                identity: identityFor(opts.snapshot, spec.account),
                sandbox: opts.snapshot.sandbox,
                supports: supports.line,
              });
              if (!view.ok) throw new PermanentError(view.reason);
              const png = await screenshotHtml(viewContext, view.html, view.stamp, opts.timeoutMs);
              return writeImage(opts.workDir, path, png, {
                title: spec.title,
                kind: 'api-view',
                stamp: view.stamp,
                view: viewOf(spec.name),
                supports,
              });
            },
          });
        }
      }
    }

    if (opts.mode === 'console' || opts.mode === 'both') {
      const access = opts.console;
      const carried = opts.carried;
      for (const target of opts.plan.targets) {
        for (const spec of consolePageSpecs(target, opts.snapshot, opts.consoleUrls)) {
          if (carried) {
            const path = fileFor(spec.name);
            jobs.push({
              item: `console ${spec.name}`,
              run: () => carryImage(opts.workDir, carried, spec.name, path),
            });
            continue;
          }
          if (!access) {
            gaps.push({
              item: `console ${spec.name}`,
              reason: 'console capture skipped: no console sign-in configured',
            });
            continue;
          }
          const path = fileFor(spec.name);
          jobs.push({
            item: `console ${spec.name}`,
            run: async (attemptNo) => {
              let session = consoleSessions.get(spec.account);
              if (!session) {
                session = signInToConsole(opts.browser, access, spec.account, {
                  destination: access.urlFor(spec.url),
                  timeoutMs: opts.timeoutMs,
                });
                consoleSessions.set(spec.account, session);
              }
              const signedIn = await session;
              if (!signedIn.ok) throw new PermanentError(signedIn.reason);
              return captureConsoleImage(opts, viewContext, signedIn, access, spec, path, {
                fresh: attemptNo > 0,
                supports: supportedBy(byRecord, spec.shows, spec.resource),
              });
            },
          });
        }
      }
    }

    const images = await runBounded(jobs, opts, gaps);
    images.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    gaps.sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    return { images, gaps, seed: opts.plan.seed };
  } finally {
    for (const pending of consoleSessions.values()) {
      const s = await pending.catch(() => undefined);
      if (s?.ok) await s.context.close().catch(() => undefined);
    }
    await viewContext.close().catch(() => undefined);
  }
}

/** Write a carried console image under this capture's file name; its stamp and hash are its own. */
async function carryImage(
  workDir: string,
  carried: CarriedConsole,
  page: string,
  path: string,
): Promise<ScreenshotMeta> {
  const got = carried.take(page);
  if ('reason' in got) throw new PermanentError(got.reason);
  await writeFile(join(workDir, path), got.png);
  const observations = got.meta.observations?.map((o) => ({ ...o, screenshot: path }));
  return { ...got.meta, path, page, ...(observations ? { observations } : {}) };
}

/** A failure that a retry cannot fix (missing record, sign-in refused). */
class PermanentError extends Error {}

async function runBounded(jobs: Job[], opts: CaptureOptions, gaps: CaptureGap[]): Promise<ScreenshotMeta[]> {
  const images: ScreenshotMeta[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < jobs.length; i = next++) {
      const job = jobs[i] as Job;
      const outcome = await attempt(job);
      if ('meta' in outcome) images.push(outcome.meta);
      else gaps.push({ item: job.item, reason: outcome.reason });
      done++;
      opts.onProgress?.({ done, total: jobs.length, item: job.item, ok: 'meta' in outcome });
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency, jobs.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return images;
}

/** Run a job, retrying once unless the failure is permanent. */
async function attempt(job: Job): Promise<{ meta: ScreenshotMeta } | { reason: string }> {
  // Messages from console.ts are sanitized already; sanitizing again guards anything else.
  try {
    return { meta: await job.run(0) };
  } catch (first) {
    if (first instanceof PermanentError) return { reason: sanitizeError(first, []) };
    try {
      return { meta: await job.run(1) };
    } catch (second) {
      const retried = first instanceof ResourceMismatchError ? 'again on a fresh page' : 'twice';
      return { reason: `${sanitizeError(second, [])} (failed ${retried})` };
    }
  }
}

/** A context for rendering our own HTML: JavaScript off, every network request refused, UTC, light scheme. */
async function staticContext(browser: Browser, timeoutMs: number): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: API_VIEW_VIEWPORT,
    deviceScaleFactor: 1,
    javaScriptEnabled: false,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(timeoutMs);
  await context.route('**/*', (route) => route.abort('blockedbyclient'));
  return context;
}

/**
 * Render HTML (at `width` CSS pixels) and screenshot it after checking that the stamp banner in the DOM carries every stamp
 * line (a missing stamp is a failure, never an unstamped image).
 */
export async function screenshotHtml(
  context: BrowserContext,
  html: string,
  stamp: Stamp,
  timeoutMs: number,
  width: number = API_VIEW_VIEWPORT.width,
): Promise<Buffer> {
  return pagesOf(context).use(async (page) => {
    const size = page.viewportSize();
    if (size?.width !== width) await page.setViewportSize({ width, height: API_VIEW_VIEWPORT.height });
    await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
    const banner = normalizeSpace(await page.innerText('#evidence-stamp', { timeout: timeoutMs }));
    for (const line of stampLines(stamp)) {
      if (!banner.includes(normalizeSpace(line))) throw new Error(`stamp banner is missing "${line}"`);
    }
    return await page.screenshot({ fullPage: true, type: 'png', animations: 'disabled', caret: 'initial' });
  });
}

function normalizeSpace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

async function captureConsoleImage(
  opts: CaptureOptions,
  viewContext: BrowserContext,
  session: Extract<ConsoleSession, { ok: true }>,
  access: ConsoleAccess,
  spec: ConsolePageSpec,
  path: string,
  extra: { fresh: boolean; supports: Supported },
): Promise<ScreenshotMeta> {
  const shot = await captureConsolePage(session.context, access.urlFor(spec.url), {
    signinBase: access.signinBase,
    settleSelector: access.settleSelector,
    timeoutMs: opts.timeoutMs,
    secrets: session.secrets,
    identity: spec.identity,
    fresh: extra.fresh,
    reads: spec.reads,
  });
  const stamp: Stamp = {
    account: spec.account,
    region: spec.region,
    resource: spec.resource,
    capturedAt: shot.capturedAt,
    source: shot.visitedUrl,
    identity: session.arn ?? identityFor(opts.snapshot, spec.account),
    sandbox: access.sandbox,
    timeLabel: 'Captured (UTC)',
    supports: extra.supports.line,
  };
  const { width, height } = pngSize(shot.png);
  const html = renderTemplate(COMPOSITE_TEMPLATE, {
    css: PAGE_CSS,
    bannerHtml: stampBannerHtml(stamp),
    title: spec.title,
    imageDataUri: `data:image/png;base64,${shot.png.toString('base64')}`,
    width,
    height,
  });
  // The composite is as wide as the console shot, so the banner spans the whole image.
  const png = await screenshotHtml(
    viewContext,
    html,
    stamp,
    opts.timeoutMs,
    Math.max(width, API_VIEW_VIEWPORT.width),
  );
  const meta = await writeImage(opts.workDir, path, png, {
    title: spec.title,
    kind: 'console',
    stamp,
    view: viewOf(spec.name),
    supports: extra.supports,
  });
  meta.page = spec.name;
  if (shot.readings.length === 0) return meta;
  const observations = shot.readings.map((r): ConsoleObservation => ({
    ...r,
    accountId: spec.account,
    resource: spec.resource,
    screenshot: path,
    capturedAt: shot.capturedAt,
  }));
  return { ...meta, observations };
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

async function writeImage(
  workDir: string,
  path: string,
  png: Buffer,
  meta: { title: string; kind: 'console' | 'api-view'; stamp: Stamp; view: string; supports: Supported },
): Promise<ScreenshotMeta> {
  await writeFile(join(workDir, path), png);
  return {
    path,
    title: meta.title,
    kind: meta.kind,
    account: meta.stamp.account,
    region: meta.stamp.region,
    resource: meta.stamp.resource,
    capturedAt: meta.stamp.capturedAt,
    source: meta.stamp.source,
    identity: meta.stamp.identity,
    sha256: createHash('sha256').update(png).digest('hex'),
    view: meta.view,
    checks: meta.supports.checks,
    criteria: meta.supports.criteria,
    attention: meta.supports.attention,
  };
}

/** `console_kms-key_…` → `kms-key`; `bucket-acl_…` → `bucket-acl`. */
function viewOf(name: string): string {
  return name.replace(/^console_/, '').split('_')[0] ?? name;
}
