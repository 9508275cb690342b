import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/browser/launch.ts';
import { apiViewSpecs, renderApiView } from '../../src/capture/api-views.ts';
import { API_VIEW_VIEWPORT, captureScreenshots, pngSize, screenshotHtml } from '../../src/capture/capture.ts';
import { RecordReader, readRecord } from '../../src/capture/records.ts';
import { selectCaptureTargets } from '../../src/capture/select.ts';
import { SANDBOX_LABEL, stampBannerHtml } from '../../src/capture/stamp.ts';
import { ACCOUNT, HOSTILE, REGION, writeCaptureEstate } from '../support/capture-estate.ts';
import { configSchema } from '../../src/config/schema.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';

let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  const launched = await launchBrowser();
  if (!launched.ok) throw new Error(launched.reason);
  browser = launched.browser;
  context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: API_VIEW_VIEWPORT,
    deviceScaleFactor: 1,
  });
});
afterAll(async () => {
  await browser?.close();
});

const settings = { maxKeyBuckets: 10, sampleSize: 3 };

describe('readRecord', () => {
  it('returns the exact line of the referenced call and the sha256 of its bytes', async () => {
    const { workDir, snapshot } = await writeCaptureEstate();
    const ref = snapshot.accounts[0]!.buckets[0]!.policy.evidence;
    const read = await readRecord(workDir, ref);
    if (!read.ok) throw new Error(read.reason);
    const lines = (await readFile(join(workDir, ref.file), 'utf8')).split('\n');
    expect(lines).toContain(read.line);
    expect(read.sha256).toBe(createHash('sha256').update(read.line).digest('hex'));
    expect(read.record.id).toBe(ref.callId);
    expect(read.record.operation).toBe('GetBucketPolicy');
  });

  it('says why when the call id or the file is not there', async () => {
    const { workDir, snapshot } = await writeCaptureEstate();
    const ref = snapshot.accounts[0]!.buckets[0]!.policy.evidence;
    expect(await readRecord(workDir, { ...ref, callId: 's3-us-east-1-9999' })).toMatchObject({ ok: false });
    expect(await readRecord(workDir, { file: 'raw/x/s3/none.jsonl', callId: 'a' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('file not found'),
    });
    expect(await readRecord(workDir, { file: '../../etc/passwd', callId: 'a' })).toMatchObject({ ok: false });
  });
});

describe('API views', () => {
  it('are byte-identical across two runs over the same snapshot', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const { workDir, snapshot } = await writeCaptureEstate();
      const plan = selectCaptureTargets({ snapshot, settings, isSensitive: () => true });
      const result = await captureScreenshots({
        mode: 'api-view',
        plan,
        snapshot,
        workDir,
        browser,
        concurrency: 3,
        timeoutMs: 20_000,
      });
      expect(result.gaps).toEqual([]);
      const files = (await readdir(join(workDir, 'screenshots'))).sort();
      const bytes = await Promise.all(files.map((f) => readFile(join(workDir, 'screenshots', f))));
      runs.push({ result, files, bytes });
    }
    const [a, b] = runs as [(typeof runs)[number], (typeof runs)[number]];
    // account BPA, 3 views for each of 2 buckets, key policy, 1 Config rule, 1 trail
    expect(a.files).toHaveLength(10);
    expect(b.files).toEqual(a.files);
    a.bytes.forEach((buf, i) => expect(buf.equals(b.bytes[i]!)).toBe(true));
    expect(b.result.images).toEqual(a.result.images);
  });

  it('stamp the checks and criteria whose results cite the records shown', async () => {
    const { workDir, snapshot } = await writeCaptureEstate();
    const { findings } = await evaluate(snapshot, configSchema.parse({ organization: 'Test' }));
    const plan = selectCaptureTargets({ snapshot, settings, isSensitive: () => true, findings });
    const result = await captureScreenshots({
      mode: 'api-view',
      plan,
      snapshot,
      workDir,
      browser,
      concurrency: 2,
      timeoutMs: 20_000,
      findings,
    });
    const enc = result.images.find(
      (i) => i.path === 'screenshots/bucket-encryption_111122223333_data-prod.png',
    )!;
    const citing = findings.filter((f) =>
      f.evidence.some((e) => e.callId === snapshot.accounts[0]!.buckets[0]!.encryption.evidence.callId),
    );
    expect(citing.length).toBeGreaterThan(0);
    expect(enc.checks).toEqual([...new Set(citing.map((f) => f.checkId))].sort());
    expect(enc.checks).toContain('s3.default-encryption');
    expect(enc.criteria).toEqual([...new Set(citing.flatMap((f) => f.criteria))].sort());
    expect(enc.view).toBe('bucket-encryption');
    // The stamp in the image carries the same list (the banner is checked before the shot).
    const spec = apiViewSpecs(
      plan.targets.find((t) => t.kind === 'bucket')!,
      snapshot,
    )[0]!;
    const view = await renderApiView(spec, new RecordReader(workDir), {
      identity: 'x',
      sandbox: false,
      supports: 's3.default-encryption (CC6.1)',
    });
    if (!view.ok) throw new Error(view.reason);
    expect(view.html).toContain('<th>Supports</th><td>s3.default-encryption (CC6.1)</td>');
  });

  it('stamp account, region, resource, call time, API source, identity and the sandbox label', async () => {
    const { workDir, snapshot } = await writeCaptureEstate({ sandbox: true });
    const plan = selectCaptureTargets({ snapshot, settings, isSensitive: () => true });
    const target = plan.targets.find((t) => t.kind === 'bucket')!;
    const spec = apiViewSpecs(target, snapshot).find((s) => s.name.startsWith('bucket-encryption'))!;
    const view = await renderApiView(spec, new RecordReader(workDir), {
      identity: 'arn:aws:iam::111122223333:user/auditor',
      sandbox: true,
    });
    if (!view.ok) throw new Error(view.reason);
    const record = await readRecord(workDir, snapshot.accounts[0]!.buckets[0]!.encryption.evidence);
    if (!record.ok) throw new Error(record.reason);

    const page = await context.newPage();
    await page.setContent(view.html);
    const banner = await page.innerText('#evidence-stamp');
    expect(banner).toContain(SANDBOX_LABEL);
    expect(banner).toContain(ACCOUNT);
    expect(banner).toContain(REGION);
    expect(banner).toContain('arn:aws:s3:::data-prod');
    expect(banner).toContain(
      `${record.record.startedAt.slice(0, 10)} ${record.record.startedAt.slice(11, 19)} UTC`,
    );
    expect(banner).toContain(`API s3 GetBucketEncryption (request id ${record.record.requestId})`);
    expect(banner).toContain('arn:aws:iam::111122223333:user/auditor');
    const body = await page.innerText('main');
    expect(body).toContain(record.sha256);
    expect(body).toContain(record.record.requestId!);
    await page.close();

    const png = await screenshotHtml(context, view.html, view.stamp, 20_000);
    const size = pngSize(png);
    expect(size.width).toBe(API_VIEW_VIEWPORT.width);
    expect(size.height).toBeGreaterThan(300);
    expect(size.height).toBeLessThan(20_000);
  });

  it('come out the same from a reused page as from a fresh one, after a taller or failed shot', async () => {
    const { workDir, snapshot } = await writeCaptureEstate();
    const spec = apiViewSpecs({ kind: 'account-bpa', accountId: ACCOUNT, region: REGION }, snapshot)[0]!;
    const view = await renderApiView(spec, new RecordReader(workDir), { identity: 'x', sandbox: true });
    if (!view.ok) throw new Error(view.reason);
    const fresh = await browser.newContext({
      javaScriptEnabled: false,
      viewport: API_VIEW_VIEWPORT,
      deviceScaleFactor: 1,
    });
    const shared = await browser.newContext({
      javaScriptEnabled: false,
      viewport: API_VIEW_VIEWPORT,
      deviceScaleFactor: 1,
    });
    try {
      const expected = await screenshotHtml(fresh, view.html, view.stamp, 20_000);
      const tall = view.html.replace('</main>', `${'<p>filler</p>'.repeat(400)}</main>`);
      expect(pngSize(await screenshotHtml(shared, tall, view.stamp, 20_000, 1600)).height).toBeGreaterThan(
        pngSize(expected).height,
      );
      const unstamped = view.html.replace(stampBannerHtml(view.stamp), '<div id="evidence-stamp"></div>');
      await expect(screenshotHtml(shared, unstamped, view.stamp, 20_000)).rejects.toThrow(/stamp/);
      const reused = await screenshotHtml(shared, view.html, view.stamp, 20_000);
      expect(pngSize(reused)).toEqual(pngSize(expected));
      expect(reused.equals(expected)).toBe(true);
    } finally {
      await fresh.close();
      await shared.close();
    }
  });

  it('are not labelled as sandbox output for a real-AWS snapshot', async () => {
    const { workDir, snapshot } = await writeCaptureEstate({ sandbox: false });
    const spec = apiViewSpecs({ kind: 'account-bpa', accountId: ACCOUNT, region: REGION }, snapshot)[0]!;
    const view = await renderApiView(spec, new RecordReader(workDir), { identity: 'x', sandbox: false });
    if (!view.ok) throw new Error(view.reason);
    expect(view.html).not.toContain(SANDBOX_LABEL);
  });

  it('refuse to screenshot a page whose banner does not carry the stamp', async () => {
    const { workDir, snapshot } = await writeCaptureEstate();
    const spec = apiViewSpecs({ kind: 'account-bpa', accountId: ACCOUNT, region: REGION }, snapshot)[0]!;
    const view = await renderApiView(spec, new RecordReader(workDir), { identity: 'x', sandbox: true });
    if (!view.ok) throw new Error(view.reason);
    const otherBanner = stampBannerHtml({ ...view.stamp, account: '999999999999' });
    await expect(
      screenshotHtml(
        context,
        view.html.replace(stampBannerHtml(view.stamp), otherBanner),
        view.stamp,
        20_000,
      ),
    ).rejects.toThrow(/stamp banner is missing "Account 111122223333"/);
  });

  it('render hostile collected values as text, never as markup', async () => {
    const { workDir, snapshot } = await writeCaptureEstate();
    const plan = selectCaptureTargets({ snapshot, settings, isSensitive: () => true });
    const reader = new RecordReader(workDir);
    const specs = plan.targets.flatMap((t) => apiViewSpecs(t, snapshot));
    const withHostile = specs.filter(
      (s) => s.name === 'bucket-policy_111122223333_data-prod' || s.name.startsWith('config-rule_'),
    );
    expect(withHostile).toHaveLength(2);
    for (const spec of withHostile) {
      const view = await renderApiView(spec, reader, { identity: 'x', sandbox: true });
      if (!view.ok) throw new Error(view.reason);
      const page = await context.newPage();
      await page.setContent(view.html);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('main img').count()).toBe(0);
      if (spec.name.startsWith('config-rule_')) expect(await page.innerText('main')).toContain(HOSTILE);
      else expect(await page.innerText('main')).toContain(JSON.stringify(HOSTILE).slice(1, 20));
      await page.close();
    }
  });

  it('record a gap, not an image, when the primary record is missing, and carry on', async () => {
    const { workDir, snapshot } = await writeCaptureEstate();
    snapshot.accounts[0]!.accountPublicAccessBlock.evidence = {
      ...snapshot.accounts[0]!.accountPublicAccessBlock.evidence,
      callId: 's3control-us-east-1-missing',
    };
    const plan = selectCaptureTargets({
      snapshot,
      settings: { ...settings, keyBuckets: ['data-prod', 'nope'] },
      isSensitive: () => true,
    });
    const result = await captureScreenshots({
      mode: 'api-view',
      plan,
      snapshot,
      workDir,
      browser,
      concurrency: 2,
      timeoutMs: 20_000,
    });
    expect(result.gaps.map((g) => g.item)).toEqual(['api-view account-bpa_111122223333', 'bucket nope']);
    expect(result.gaps[0]!.reason).toContain('s3control-us-east-1-missing');
    expect(result.images.map((i) => i.path)).toContain(
      'screenshots/bucket-policy_111122223333_data-prod.png',
    );
    for (const image of result.images) {
      const png = await readFile(join(workDir, image.path));
      expect(createHash('sha256').update(png).digest('hex')).toBe(image.sha256);
    }
  });
});
