import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const root = import.meta.dirname;
const dirs = (kind) => readdirSync(join(root, kind), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

// ---------------------------------------------------------------------------------------------
// Architecture boundaries (issue 17; ARCHITECTURE.md "Principles" and "Layout"). Each package's
// README repeats its own line of this table under "Owns / Never imports".
// ---------------------------------------------------------------------------------------------

/** Pure algorithm packages: no I/O, no clock, no global randomness (clock and RNG are parameters). */
export const PURE_PACKAGES = ['stats', 'detectors', 'logtemplates', 'features', 'forecast', 'incidents', 'ci-insights', 'records', 'otlp'];
/** The composition root: the only service allowed to import every other service. */
export const COMPOSITION_ROOT = 'cli';
/** The only service that inserts into the store (packages/store defines the insert API itself). */
export const STORE_WRITER = 'writer';

// The core of a pure package is its src/ without its tests, evaluations and benchmarks: those
// read fixture files, spawn reference scripts and time things, which is their job.
const pureCore = PURE_PACKAGES.map((p) => `packages/${p}/src/**/*.ts`);
const notCore = ['**/*.test.ts', '**/*.test-util.ts', '**/eval/**', '**/bench/**', '**/fixtures/**', '**/testing/**'];

const ioModules = {
  paths: [
    ...['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'dns/promises', 'tls', 'child_process', 'cluster', 'worker_threads', 'readline', 'perf_hooks', 'os', 'vm', 'v8', 'inspector', 'timers', 'timers/promises']
      .flatMap((m) => [m, `node:${m}`])
      .map((name) => ({ name, message: 'a pure package does no I/O: take the data as an argument (see ARCHITECTURE.md, pure packages).' })),
    ...['kafkajs', '@clickhouse/client', 'chdb', 'pino', 'prom-client', 'undici', 'ws', 'playwright-core', 'yaml', 'zod']
      .map((name) => ({ name, message: 'a pure package does no I/O and reads no configuration files: the caller does it and passes plain values.' })),
    // Hashing is pure (records' stable ids); crypto's randomness is not.
    ...['crypto', 'node:crypto'].map((name) => ({
      name, importNames: ['randomUUID', 'randomBytes', 'randomInt', 'randomFillSync', 'getRandomValues', 'webcrypto'],
      message: 'pure code takes a seeded RNG as a parameter (@vigil/stats Mulberry32).',
    })),
    ...['@vigil/bus', '@vigil/store', '@vigil/telemetry', '@vigil/config', '@vigil/console']
      .map((name) => ({ name, message: 'a pure package imports only other pure packages (I/O libraries belong to services).' })),
  ],
  patterns: [{ group: ['@opentelemetry/*', 'fs/*', 'node:fs/*'], message: 'a pure package does no I/O.' }],
};

const pureRules = {
  'no-restricted-imports': ['error', ioModules],
  // Time and randomness are parameters of pure code (STYLE.md: clock and seeded RNG are injected;
  // @vigil/stats has a seeded Mulberry32), so the same input gives the same output in a replay.
  'no-restricted-properties': ['error',
    { object: 'Date', property: 'now', message: 'pure code takes the time as a parameter (an injected clock).' },
    { object: 'performance', property: 'now', message: 'pure code takes the time as a parameter (an injected clock).' },
    { object: 'Math', property: 'random', message: 'pure code takes a seeded RNG as a parameter (@vigil/stats mulberry32).' },
    { object: 'crypto', property: 'randomUUID', message: 'pure code takes a seeded RNG as a parameter.' },
    { object: 'crypto', property: 'getRandomValues', message: 'pure code takes a seeded RNG as a parameter.' },
  ],
  'no-restricted-syntax': ['error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'pure code takes the time as a parameter: new Date() reads the clock.' },
    { selector: "CallExpression[callee.name='Date']", message: 'pure code takes the time as a parameter: Date() reads the clock.' },
  ],
  'no-restricted-globals': ['error',
    ...['process', 'fetch', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']
      .map((name) => ({ name, message: 'pure code neither reads the environment, nor does I/O, nor schedules work.' })),
  ],
};

// Libraries that do I/O (bus, store, telemetry, config, console) still never insert into the store
// unless they are the store: a Store handle is the writer's.
const ioLibraryRules = {
  'no-restricted-imports': ['error', {
    paths: [{ name: '@vigil/store', message: 'only services/writer inserts into the store and only services read it; a library never holds a Store.' }],
  }],
};

// Only the writer inserts: anywhere else in services, no insert call and no INSERT/ALTER/DELETE
// statement through command()/exec()/query(), and nobody but packages/store opens a ClickHouse
// client of its own. The read side (services/query) reads through Store.query().
const storeWriteSelectors = [
  { selector: "CallExpression[callee.property.name='insert']", message: 'only services/writer inserts into the store (ARCHITECTURE.md: "Only the writer touches ClickHouse").' },
  {
    selector: "CallExpression[callee.property.name=/^(command|exec|query)$/] > Literal.arguments[value=/^\\s*(INSERT|DELETE|TRUNCATE|ALTER|UPDATE)\\b/i]",
    message: 'only services/writer writes to the store: no INSERT/DELETE/ALTER/UPDATE statements elsewhere.',
  },
  {
    selector: "CallExpression[callee.property.name=/^(command|exec|query)$/] > TemplateLiteral.arguments > TemplateElement.quasis:first-child[value.raw=/^\\s*(INSERT|DELETE|TRUNCATE|ALTER|UPDATE)\\b/i]",
    message: 'only services/writer writes to the store: no INSERT/DELETE/ALTER/UPDATE statements elsewhere.',
  },
];
const serviceImports = {
  paths: ['@clickhouse/client', 'chdb'].map((name) => ({ name, message: 'services reach ClickHouse only through @vigil/store (one client, one place for TLS, auth and errors).' })),
  patterns: [{ group: ['chdb/*', '@clickhouse/client/*'], message: 'services reach ClickHouse only through @vigil/store.' }],
};

// Service → service and library → service, by the resolved file (so both '@vigil/writer' and a
// relative '../../writer/src/x.js' are caught). Type-only imports count too: shared types live in
// @vigil/records.
const services = dirs('services');
const boundaryZones = [
  {
    target: join(root, 'packages/**'),
    from: join(root, 'services/**'),
    message: 'a library (packages/*) never imports a service; move the shared part into a package.',
  },
  ...services.filter((s) => s !== COMPOSITION_ROOT).map((s) => ({
    target: join(root, `services/${s}/**`),
    from: join(root, 'services/**'),
    except: [join(root, `services/${s}/**`)],
    message: `services meet only through topics: services/${s} never imports another service (only services/${COMPOSITION_ROOT}, the composition root, wires them together).`,
  })),
];

/** The boundary rule set, exported so that test/unit/lint-boundaries.test.ts can name what it proves. */
export const boundaryConfigs = [
  {
    name: 'vigil/boundaries/imports',
    files: ['packages/**/*.ts', 'services/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // '@vigil/*' resolves to the workspace's src/index.ts through tsconfig.eslint.json's paths,
      // so the rules work on a clean clone before anything is built.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: join(root, 'tsconfig.eslint.json') })],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: root, zones: boundaryZones }] },
  },
  { name: 'vigil/boundaries/pure-core', files: pureCore, ignores: notCore, rules: pureRules },
  {
    name: 'vigil/boundaries/io-libraries',
    files: dirs('packages').filter((p) => !PURE_PACKAGES.includes(p) && p !== 'store').map((p) => `packages/${p}/src/**/*.ts`),
    rules: ioLibraryRules,
  },
  {
    name: 'vigil/boundaries/services-store',
    files: ['services/*/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', serviceImports] },
  },
  {
    name: 'vigil/boundaries/only-writer-writes',
    files: ['services/*/src/**/*.ts'],
    // Tests and benchmarks seed fixture rows; the rule is about the product's data path.
    ignores: [`services/${STORE_WRITER}/**`, ...notCore],
    rules: { 'no-restricted-syntax': ['error', ...storeWriteSelectors] },
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'packages/otlp/generated/**', '**/*.js', '**/*.mjs', 'test/lint/fixtures/**'] },
  js.configs.recommended,
  // Type-checked rules (issue 17 point 6) on every .ts file.
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: ['./tsconfig.eslint.json', './packages/console/web/tsconfig.json'], tsconfigRootDir: root } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Off: here an async function without await is deliberate. Implementations of the
      // Promise-returning interfaces (Bus, Producer, Transaction, route handlers) are async so that
      // a synchronous throw reaches the caller as a rejection, like the I/O implementation's would;
      // typescript-eslint's own docs name this case as one where the rule does not fit.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...boundaryConfigs,
);
