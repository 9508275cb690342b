/* global module */
/**
 * The layers of src/ and the one direction data flows through them, checked by dependency-cruiser
 * (`npm run deps`, part of `npm run check`, and test/architecture/deps.test.ts under `npm test`).
 *
 * Each folder lists the folders it may import; anything else is a violation. The lists form a DAG
 * (the test checks that too), so no folder-level loop can come back:
 *
 *   cli → pipeline → {collect, evaluate, capture, render, diff, upload, pack, ...}
 *   collect → snapshot/aws · evaluate → checks/period/controls/snapshot · render → evaluate/...
 *
 * The sandbox imports no product code; product code imports the sandbox only from the composition
 * root: the `demo`, `sandbox` and `bench` commands (and `demo-config.ts` beside them),
 * `cli/sandbox-link.ts`, and `bench/`.
 */

/** Folder under src/ → the folders it may import (besides itself, node built-ins and packages). */
const LAYERS = {
  snapshot: [],
  text: [],
  progress: [],
  browser: [],
  aws: ['snapshot'],
  checks: ['snapshot'],
  period: ['checks', 'snapshot'],
  config: ['aws', 'checks'],
  controls: ['checks', 'config'],
  pack: ['aws', 'snapshot', 'text'],
  provenance: ['aws', 'pack'],
  evaluate: ['checks', 'config', 'controls', 'pack', 'period', 'snapshot'],
  collect: ['aws', 'config', 'snapshot'],
  capture: ['aws', 'checks', 'evaluate', 'snapshot', 'text'],
  render: [
    'checks',
    'config',
    'controls',
    'evaluate',
    'pack',
    'period',
    'provenance',
    'remediate',
    'snapshot',
    'text',
  ],
  diff: ['checks', 'evaluate', 'pack', 'snapshot'],
  remediate: ['checks', 'diff', 'evaluate', 'pack', 'snapshot'],
  upload: ['aws'],
  init: ['aws', 'checks', 'config'],
  pipeline: [
    'aws',
    'browser',
    'capture',
    'checks',
    'collect',
    'config',
    'diff',
    'evaluate',
    'pack',
    'progress',
    'provenance',
    'remediate',
    'render',
    'snapshot',
    'text',
    'upload',
  ],
  sandbox: [],
  bench: ['aws', 'config', 'pack', 'pipeline', 'progress', 'sandbox', 'snapshot'],
  timeline: ['checks', 'diff', 'pack', 'render', 'snapshot', 'text'],
};

/** Modules of the composition root that may import the sandbox. */
const COMPOSITION_ROOT =
  '^src/(cli/commands/(demo|demo-config|sandbox|bench)\\.ts|cli/sandbox-link\\.ts|bench/)';

/** Folders that are not the sandbox (product code). */
const PRODUCT = Object.keys(LAYERS).filter((f) => f !== 'sandbox');

const external = { path: '^(node_modules/|node:)' };
const coreModule = { dependencyTypes: ['core'] };

const allowed = [
  // Everything may use packages and Node built-ins, and read the version.
  { from: {}, to: external },
  { from: {}, to: coreModule },
  { from: { path: '^src/' }, to: { path: '^src/version\\.ts$' } },
  // Within a folder, anything goes.
  { from: { path: '^src/([^/]+)/' }, to: { path: '^src/$1/' } },
  ...Object.entries(LAYERS)
    .filter(([, deps]) => deps.length > 0)
    .map(([folder, deps]) => ({
      from: { path: `^src/${folder}/` },
      to: { path: `^src/(${deps.join('|')})/` },
    })),
  // The CLI sits on top: it may import any product folder; the sandbox only from the composition root.
  { from: { path: '^src/cli/' }, to: { path: `^src/(${PRODUCT.join('|')})/` } },
  { from: { path: COMPOSITION_ROOT }, to: { path: '^src/sandbox/' } },
  // The library entry point re-exports the public API.
  { from: { path: '^src/index\\.ts$' }, to: { path: '^src/(checks|config|evaluate|pack)/' } },
  // Tests may import anything.
  { from: { path: '^test/' }, to: {} },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  allowed,
  allowedSeverity: 'error',
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A module must not depend on itself through others at run time. (Type-only loops inside a folder are harmless; loops between folders are refused by the layer lists whatever the import kind.)',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'sandbox-imports-no-product-code',
      severity: 'error',
      comment: 'The sandbox stands alone: it speaks the AWS wire protocols and knows nothing of the product.',
      from: { path: '^src/sandbox/' },
      to: { path: '^src/', pathNot: '^src/sandbox/' },
    },
    {
      name: 'sandbox-only-from-composition-root',
      severity: 'error',
      comment: 'Product code takes the sandbox as injected values; only the composition root imports it.',
      from: { path: '^src/', pathNot: [COMPOSITION_ROOT, '^src/sandbox/'] },
      to: { path: '^src/sandbox/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|node_modules|node:)',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};

// Not a dependency-cruiser option: exported apart so the architecture test can check the layers form a DAG.
Object.defineProperty(module.exports, 'LAYERS', { value: LAYERS, enumerable: false });
