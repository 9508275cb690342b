import type { Provenance, TimeWindow } from '../provenance/provenance.ts';
import { CODE_DIGEST_COMMAND, CODE_PATHS } from '../provenance/code-digest.ts';
import { forPlainText } from '../text/safe-text.ts';
import type { SignatureAlgorithm } from '../pack/sign.ts';

/** What README.txt says about the pack. Everything is taken from the run, never from the clock. */
export interface PackReadmeInfo {
  /** ZIP file name, e.g. `evidence-pack_111122223333_20261126T185200Z.zip`. */
  zipName: string;
  tool: { name: string; version: string };
  runId: string;
  generatedAt: string;
  collection: { startedAt: string; finishedAt: string };
  callerIdentityArn: string | null;
  accounts: string[];
  regions: string[];
  criteria: string[];
  /** True when the data came from the bundled sandbox; the README then says so up front. */
  sandbox: boolean;
  /** Paths the caller puts in the pack (README.txt included or not); used for the contents list. */
  files: string[];
  /** How manifest.json is signed, or null when the pack is not signed. */
  signature: { algorithm: SignatureAlgorithm; keyId: string } | null;
  /** Operator, command line, code digest and time window of the run. */
  provenance: Provenance;
  /** `sha256:<hex>` of config/effective-config.json. */
  configDigest: string;
  /** Hex sha256 of the evidence list (see "HOW THE DIGESTS ARE COMPUTED"). */
  evidenceDigest: string;
}

function windowText(w: TimeWindow | null, none: string): string {
  return w ? `${w.startedAt} to ${w.finishedAt} (UTC)` : none;
}

const TOP_LEVEL_DESCRIPTIONS: [prefix: string, text: string][] = [
  ['README.txt', 'this file'],
  ['report.pdf', 'the evidence report: control matrix, findings, method'],
  ['findings/', 'every check result (JSON, schema evidence-pack/findings@1, and CSV)'],
  ['inventory/', 'population lists for sampling (CSV): buckets, KMS keys, Config rules, trails'],
  ['raw/', 'every AWS API call made, with request ids and responses (JSON Lines)'],
  ['screenshots/', 'stamped screenshots (account, region, resource, UTC time, source, identity)'],
  ['config/', 'the effective configuration of the run (scope, classification, exceptions)'],
  ['snapshot.json', 'the normalized model of everything read, used to rebuild the report'],
];

/** Renders README.txt for the auditor: what is inside, how it was produced, how to verify it. */
export function renderPackReadme(info: PackReadmeInfo): string {
  const dirName = info.zipName.replace(/\.zip$/, '');
  const lines: string[] = [];
  const push = (...l: string[]): void => {
    lines.push(...l);
  };

  push(`EVIDENCE PACK — ${info.zipName}`, '');
  if (info.sandbox) {
    push(
      '*** SANDBOX DATA — NOT AN AWS ACCOUNT ***',
      'This pack was produced against the bundled local sandbox endpoint, not against Amazon Web',
      'Services. It demonstrates the tool; it is not evidence about any real AWS account.',
      '',
    );
  }
  push(
    'WHAT THIS IS',
    `Evidence for SOC 2 criteria ${listOrNone(info.criteria)}: Amazon S3 encryption and public-access controls.`,
    'Every statement in the report traces back to a recorded AWS API response under raw/. A read',
    'that was denied or failed is reported as an evidence gap, never as a pass.',
    '',
    'HOW IT WAS PRODUCED',
    `Tool:               ${info.tool.name} ${info.tool.version}`,
    `Tool code digest:   ${info.provenance.codeDigest} (${info.provenance.codeFiles} files: ${CODE_PATHS.join(', ')})`,
    `Run id:             ${info.runId}`,
    `Operator:           ${info.provenance.operatorLabel}`,
    `Command line:       ${info.provenance.commandLine}`,
    `Collection:         ${windowText(info.provenance.times.collection, '')}`,
    `Screenshots:        ${windowText(info.provenance.times.capture, '(none taken)')}`,
    `Report rendered:    ${windowText(info.provenance.times.render, '')}`,
    `Evidence as of:     ${info.generatedAt} (collection finished; the pack's file times)`,
    `Caller identity:    ${info.callerIdentityArn ?? '(could not be read)'}`,
    `Accounts:           ${listOrNone(info.accounts)}`,
    `Regions:            ${listOrNone(info.regions)}`,
    `Data source:        ${info.sandbox ? 'local sandbox endpoint (not AWS)' : 'AWS APIs (read-only calls)'}`,
    '',
    'CONTENTS',
  );
  for (const [prefix, text] of TOP_LEVEL_DESCRIPTIONS) {
    const present = prefix === 'README.txt' || info.files.some((f) => f === prefix || f.startsWith(prefix));
    if (present) push(`  ${prefix.padEnd(18)} ${text}`);
  }
  push(
    `  ${'manifest.json'.padEnd(18)} run metadata and the SHA-256 and size of every other file`,
    `  ${'SHA256SUMS'.padEnd(18)} SHA-256 of every file in the pack (sha256sum format)`,
  );
  if (info.signature) {
    push(
      `  ${'signature.json'.padEnd(18)} signature over manifest.json: algorithm, key id, public key`,
      `  ${'manifest.json.sig'.padEnd(18)} the raw signature bytes, for openssl`,
    );
  }
  push(
    '',
    'HOW TO VERIFY',
    `1. The ZIP is unchanged since it was written (run next to ${info.zipName}.sha256):`,
    `     sha256sum -c ${info.zipName}.sha256`,
    '2. Every file inside matches its recorded SHA-256:',
    `     unzip ${info.zipName} -d ${dirName}`,
    `     cd ${dirName}`,
    '     sha256sum -c SHA256SUMS',
    '   Also compare the hashes in manifest.json "files" with SHA256SUMS; they must agree.',
  );
  push(
    '3. The manifest is signed by the expected key' +
      (info.signature ? ':' : ' (not applicable: this pack is unsigned).'),
  );
  if (info.signature) {
    push(
      `   Algorithm: ${info.signature.algorithm}; key: ${info.signature.keyId}`,
      '   Obtain the public key (pub.pem) from the pack producer through a separate channel. The',
      '   copy in signature.json is for reference only: a key that travels with the data proves',
      '   nothing about who made it.',
      ...signatureCommands(info.signature.algorithm),
      '   openssl prints "Signature Verified Successfully" or "Verified OK" when it holds.',
      '   Because manifest.json lists the SHA-256 of every other file, a valid signature plus a',
      '   clean "sha256sum -c SHA256SUMS" covers the whole pack.',
    );
  }
  push(
    '',
    'HOW THE DIGESTS ARE COMPUTED (each can be recomputed with sha256sum)',
    `Evidence digest:    ${info.evidenceDigest}`,
    '   On the report cover and every page footer. The report cannot carry the manifest digest (the',
    '   manifest lists the report), so this is the sha256 of the SHA256SUMS lines of every file except',
    '   report.pdf, README.txt, manifest.json and the signature files:',
    "     grep -v -E '  (report\\.pdf|README\\.txt|manifest\\.json|manifest\\.json\\.sig|signature\\.json)$' SHA256SUMS | sha256sum",
    `Config digest:      ${info.configDigest} (manifest "configDigest")`,
    '   The sha256 of the packed configuration file:',
    '     sha256sum config/effective-config.json',
    `Tool code digest:   ${info.provenance.codeDigest}`,
    `   The sha256 of the SHA256SUMS-format list of the files under ${CODE_PATHS.join(', ')} of the`,
    '   installed tool, paths sorted by their bytes; in the package directory:',
    `     ${CODE_DIGEST_COMMAND}`,
    'ZIP digest:         the .zip.sha256 sidecar next to the ZIP (step 1 above).',
    '',
    'VERIFYING WITH THE TOOL (optional: the steps above need only standard command-line tools)',
    `The pack was made by ${info.tool.name} ${info.tool.version}; use that exact version (Node.js 20.19 or later):`,
    `     npm install --global ${info.tool.name}@${info.tool.version}`,
    `     ${info.tool.name} verify ${info.zipName}${info.signature ? ' --public-key pub.pem' : ''}`,
    '   It runs the same checks and names any file that does not match.',
    '',
  );
  // Values come from AWS and the config: no NUL or control character reaches the file raw.
  return forPlainText(lines.join('\n'));
}

function signatureCommands(algorithm: SignatureAlgorithm): string[] {
  if (algorithm === 'ED25519') {
    return [
      '     openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in manifest.json -sigfile manifest.json.sig',
    ];
  }
  return [
    '   For an AWS KMS key, the key owner can export pub.pem with:',
    '     aws kms get-public-key --key-id <key ARN> --query PublicKey --output text | base64 -d > pub.der',
    '     openssl pkey -pubin -inform DER -in pub.der -out pub.pem',
    `   Then, inside the unzipped folder, check the ${algorithm === 'ECDSA_SHA_256' ? 'ECDSA P-256' : 'RSA PKCS#1 v1.5'} signature:`,
    '     openssl dgst -sha256 -verify pub.pem -signature manifest.json.sig manifest.json',
  ];
}

function listOrNone(items: string[]): string {
  return items.length > 0 ? items.join(', ') : '(none)';
}
