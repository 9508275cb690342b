import type { Evaluation } from '../../evaluate/types.ts';
import { organizationName, type Config } from '../../config/schema.ts';
import { renderPackReadme } from '../../render/readme-txt.ts';
import type { Signer } from '../../pack/sign.ts';
import { packName, writePack, type WrittenPack } from '../../pack/write-pack.ts';
import type { Snapshot } from '../../snapshot/model.ts';
import type { Progress } from '../../progress/progress.ts';
import { CODE_PATHS } from '../../provenance/code-digest.ts';
import type { CaptureGap } from '../../capture/capture.ts';
import type { Captured } from './capture.ts';
import type { Rendered } from './render.ts';

/** How the pack came to be: a live run, or a rebuild from a saved snapshot. */
export type BuildKind = { kind: 'run' } | { kind: 'rebuild'; sourceSha256: string };

/** What the pack stage needs. */
export interface PackInput {
  snapshot: Snapshot;
  evaluation: Evaluation;
  config: Config;
  captured: Captured;
  rendered: Rendered;
  outDir: string;
  signer?: Signer | undefined;
  build: BuildKind;
  progress: Progress;
}

/**
 * Stage "pack": write README.txt and the manifest, and the deterministic ZIP (entry times fixed to
 * the collection end) with its sidecar, signed when a signer is given.
 */
export async function packStage(input: PackInput): Promise<WrittenPack> {
  const { snapshot, evaluation, captured, rendered } = input;
  const { provenance, report } = rendered;
  const name = packNameFor(snapshot, input.config);
  // What both README.txt and manifest.json say about the run.
  const about = {
    tool: snapshot.tool,
    runId: snapshot.runId,
    generatedAt: snapshot.collection.finishedAt,
    collection: snapshot.collection,
    callerIdentityArn: snapshot.caller.arn || null,
    accounts: snapshot.accounts.map((a) => a.accountId),
    regions: [...new Set(snapshot.accounts.flatMap((a) => a.regions))].sort(),
    criteria: evaluation.criteria.map((c) => c.id),
    sandbox: snapshot.sandbox,
  };
  const files = [...rendered.files];
  let readme = renderPackReadme({
    ...about,
    provenance,
    configDigest: `sha256:${rendered.configDigest}`,
    evidenceDigest: rendered.evidenceDigest,
    zipName: `${name}.zip`,
    files: [...files.map((f) => f.path), 'README.txt'].sort(),
    signature: input.signer ? { algorithm: input.signer.algorithm, keyId: input.signer.keyId } : null,
  });
  readme += renderRunNotes({
    renderer: report.renderer,
    rendererReason: report.rendererReason,
    captureGaps: captured.gaps,
    build: input.build,
  });
  files.push({ path: 'README.txt', content: readme });

  input.progress.update({ stage: 'write pack' });
  return writePack({
    outDir: input.outDir,
    name,
    files,
    fixedTime: new Date(snapshot.collection.finishedAt),
    ...(input.signer ? { signer: input.signer } : {}),
    manifest: {
      ...about,
      configDigest: `sha256:${rendered.configDigest}`,
      extra: {
        build: input.build,
        evidenceDigest: rendered.evidenceDigest,
        operator: provenance.operator,
        commandLine: provenance.commandLine,
        toolCode: { digest: provenance.codeDigest, files: provenance.codeFiles, covers: CODE_PATHS },
        timeWindow: provenance.times,
        report: {
          renderer: report.renderer,
          pages: report.pages,
          ...(report.rendererReason ? { reason: report.rendererReason } : {}),
        },
        screenshots: captured.images.map((s) => ({
          path: s.path,
          kind: s.kind,
          source: s.source,
          capturedAt: s.capturedAt,
          account: s.account,
          region: s.region,
          resource: s.resource,
          sha256: s.sha256,
          checks: s.checks,
          criteria: s.criteria,
        })),
        captureGaps: captured.gaps,
        ...(captured.seed ? { captureSampleSeed: captured.seed } : {}),
      },
    },
  });
}

/** The name (without `.zip`) of the pack built from `snapshot`: known before any work starts. */
export function packNameFor(snapshot: Snapshot, config: Pick<Config, 'organization'>): string {
  return packName(
    packSubject(
      organizationName(config),
      snapshot.accounts.map((a) => a.accountId),
    ),
    new Date(snapshot.collection.finishedAt),
  );
}

/**
 * What a pack is named after: the organization's slug (`Acme Corp.` → `acme-corp`), for `run`,
 * `demo` and `pack --from` alike; when the organization has no letters or digits to slug, the
 * account id of a single-account pack (when it is a 12-digit AWS account id), else `org`.
 */
export function packSubject(organization: string, accountIds: readonly string[]): string {
  const slug = organization
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .replace(/-$/, '');
  if (slug) return slug;
  // An account id may come from a rebuilt pack: only a real 12-digit one becomes part of a file name.
  const only = accountIds.length === 1 ? accountIds[0] : undefined;
  return only !== undefined && /^\d{12}$/.test(only) ? only : 'org';
}

function renderRunNotes(info: {
  renderer: 'chromium' | 'pdfkit';
  rendererReason: string | undefined;
  captureGaps: CaptureGap[];
  build: BuildKind;
}): string {
  const lines: string[] = ['', 'NOTES ON THIS RUN', '-----------------'];
  if (info.build.kind === 'rebuild') {
    lines.push(
      `This pack was rebuilt without calling AWS from a saved snapshot (source sha256 ${info.build.sourceSha256}).`,
    );
  }
  if (info.renderer === 'pdfkit') {
    lines.push(
      'report.pdf uses the plain layout: no browser could be used to print the full report.',
      `Reason: ${info.rendererReason ?? 'unknown'}`,
      'The content (findings, exceptions, inventories, evidence index) is the same; install Chromium for the full layout.',
    );
  } else {
    lines.push('report.pdf was printed by headless Chromium from the HTML templates.');
  }
  if (info.captureGaps.length) {
    lines.push('Screenshots that could not be taken (evidence gaps):');
    for (const g of info.captureGaps) lines.push(`  - ${g.item}: ${g.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
