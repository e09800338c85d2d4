/**
 * Import boundaries between Concord's parts, checked by `npm run lint`
 * (dependency-cruiser; `npm test` and so CI run it after the typecheck).
 * docs/ARCHITECTURE.md explains the parts and why each rule exists; the
 * TypeScript projects (tsconfig.*.json) hold the other half: which globals
 * (DOM, Node) each part may use.
 *
 * Paths are relative to the repository root. Type-only imports count
 * (tsPreCompilationDeps): a type is as much a dependency as a value.
 */

/** Tests and their helpers: they may drive any part, so the runtime rules below skip them. */
const TEST = '(\\.test\\.tsx?$|/testing(/|\\.ts$)|/testHelpers\\.ts$|\\.contract\\.ts$)';
/** Tools around the code: end-to-end tests, the concurrency kit (testing/) and its examples, benchmarks, scripts, tool configs. */
const TOOLS = '^(e2e|e2e-cluster|testing|examples|bench|scripts)/|^[^/]+\\.config\\.ts$';

const PROTOCOL = '^src/protocol/';
/** Document code the relay runs too: export formats, the history model and its HTTP payloads. */
const SHARED = '^src/common/';
const LAB = '^src/lab/';
const SERVER = '^server/';
const APP = '^src/';

/** Packages a browser page has no use for (or cannot load). */
const SERVER_ONLY_PACKAGES = 'node_modules/(ws|better-sqlite3|ioredis|pino|prom-client|sirv|@types/(node|ws|better-sqlite3))/';
/** The editor's packages: the relay must never load them, not even through src/. */
const EDITOR_PACKAGES = 'node_modules/(@slate-yjs/core|@slate-yjs/react|slate|slate-dom|slate-react|slate-history|react|react-dom|y-websocket|y-indexeddb|is-hotkey)/';
const TEST_PACKAGES = 'node_modules/(vitest|fast-check|@playwright/test|jsqr|pngjs|ywasm|@hocuspocus/[^/]+|@y/websocket-server)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'protocol-is-the-bottom',
      comment:
        'src/protocol is the wire contract that the relay, the tab and foreign clients share: it imports only itself and ' +
        'the Yjs wire packages (yjs, lib0, y-protocols), never another part, a Node module or an editor package.',
      severity: 'error',
      from: { path: PROTOCOL, pathNot: TEST },
      to: { pathNot: [PROTOCOL, 'node_modules/(yjs|lib0|y-protocols)/'] },
    },
    {
      name: 'shared-stays-pure',
      comment:
        'Shared document code (src/common: export formats, the history model and its payloads) runs in the relay and in the page: ' +
        'it imports only itself, src/protocol and pure packages (Yjs, lib0, mdast/hast utilities).',
      severity: 'error',
      from: { path: SHARED, pathNot: TEST },
      to: {
        pathNot: [
          PROTOCOL,
          SHARED,
          'node_modules/(yjs|lib0|mdast-util-from-markdown|mdast-util-to-markdown|hast-util-to-html|@types/(mdast|hast|unist))/',
        ],
      },
    },
    {
      name: 'server-not-app',
      comment: 'The relay (server/) imports of src/ only the protocol and the shared document code, never the app or the lab.',
      severity: 'error',
      from: { path: SERVER, pathNot: TEST },
      to: { path: APP, pathNot: [PROTOCOL, SHARED] },
    },
    {
      name: 'server-no-editor-packages',
      comment:
        'The relay never loads the editor stack (Slate, @slate-yjs/core, React, y-websocket), not even through src/: ' +
        'that is why the seed is stored as bytes (src/protocol/seed.ts).',
      severity: 'error',
      from: { path: SERVER, pathNot: TEST },
      to: { path: EDITOR_PACKAGES, reachable: true },
    },
    {
      name: 'app-not-server',
      comment: 'Code under src/ (the app, the lab, the protocol, their tests) never imports the relay: it talks to it over the wire.',
      severity: 'error',
      from: { path: APP, pathNot: TEST },
      to: { path: SERVER },
    },
    {
      name: 'app-in-the-browser',
      comment: 'Code under src/ runs in the page: no Node built-ins and no server-only packages.',
      severity: 'error',
      from: { path: APP, pathNot: TEST },
      to: { path: SERVER_ONLY_PACKAGES },
    },
    {
      name: 'app-no-node-builtins',
      comment: 'Code under src/ runs in the page: no Node built-ins.',
      severity: 'error',
      from: { path: APP, pathNot: TEST },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'lab-stands-alone',
      comment:
        'The lab simulates its own leaders and runs with no relay: it imports only itself and src/protocol, ' +
        'never the server and never the app (src/collab, src/editor, …).',
      severity: 'error',
      from: { path: LAB },
      to: { path: ['^server/', APP], pathNot: [LAB, PROTOCOL] },
    },
    {
      name: 'collab-below-the-pages',
      comment:
        "src/collab is the tab's replica (Y.Doc, provider, IndexedDB, save tracking): pages and the editor build on it, " +
        'it imports none of them (presence types come from src/protocol).',
      severity: 'error',
      from: { path: '^src/collab/', pathNot: TEST },
      to: { path: '^src/(editor|history|home|share|classroom|lab)/' },
    },
    {
      name: 'no-test-code-at-run-time',
      comment: 'Code that ships (src/, server/) never imports tests, test helpers or test-only packages.',
      severity: 'error',
      from: { path: '^(src|server)/', pathNot: TEST },
      to: { path: [TEST, TEST_PACKAGES] },
    },
    {
      name: 'no-tools-at-run-time',
      comment: 'Code that ships (src/, server/) never imports end-to-end tests, benchmarks or scripts.',
      severity: 'error',
      from: { path: '^(src|server)/', pathNot: TEST },
      to: { path: TOOLS },
    },
    {
      name: 'no-run-time-cycles',
      comment:
        'Modules do not import each other in a circle at run time (the load order would decide what is undefined). ' +
        'Cycles through type-only imports are allowed: they vanish when the code is compiled.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing: a missing package or a wrong path.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dependency',
      comment: 'Code that ships does not import a devDependency: it would be missing from a production install.',
      severity: 'error',
      from: { path: '^(src|server)/', pathNot: TEST },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.tmp|test-results|playwright-report|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
