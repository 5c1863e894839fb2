import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// Proves that each boundary rule of eslint.config.js (issue 17) fails on a deliberate violation
// and lets the allowed imports through. Each fixture under test/lint/fixtures/ is linted by the
// repository's own eslint.config.js as if it sat at the given path inside the tree (the fixture
// folder itself is ignored by `npm run lint` and by tsc). Type-aware rules are switched off for
// these virtual files only, because they are in no TypeScript project; the boundary rules do not
// need types.
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string): string => readFileSync(`${root}test/lint/fixtures/${name}`, 'utf8');

const eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });

interface Finding { rule: string | null; line: number; message: string }

async function lintAs(name: string, virtualPath: string): Promise<Finding[]> {
  const [result] = await eslint.lintText(fixture(name), { filePath: `${root}${virtualPath}` });
  const fatal = result.messages.filter((m) => m.fatal);
  // A parse error would hide every rule: fail with it rather than count it.
  expect(fatal, `${name} as ${virtualPath}`).toEqual([]);
  return result.messages.map((m) => ({ rule: m.ruleId, line: m.line, message: m.message }));
}

const linesOf = (findings: Finding[], rule: string): number[] => findings.filter((f) => f.rule === rule).map((f) => f.line);

describe('boundary lint rules fail on deliberate violations', () => {
  it('a pure package imports no I/O module (node builtins, Kafka, telemetry) and no crypto randomness', async () => {
    const found = await lintAs('pure-imports-io.ts', 'packages/stats/src/lint-fixture.ts');
    expect(linesOf(found, 'no-restricted-imports')).toEqual([2, 3, 4, 5]);
    expect(found.find((f) => f.line === 5)?.message).toMatch(/seeded RNG/);
    expect(found.find((f) => f.line === 2)?.message).toMatch(/pure package does no I\/O/);
  });

  it('a pure package reads no clock and no global randomness', async () => {
    const found = await lintAs('pure-reads-clock.ts', 'packages/detectors/src/lint-fixture.ts');
    expect(found.filter((f) => f.rule === 'no-restricted-properties').map((f) => f.message)).toEqual([
      expect.stringMatching(/^'Date.now' is restricted.*injected clock/),
      expect.stringMatching(/^'Math.random' is restricted.*seeded RNG/),
    ]);
    expect(linesOf(found, 'no-restricted-syntax')).toEqual([3]);
  });

  it('a service imports no other service, by package name or by relative path', async () => {
    const found = await lintAs('service-imports-service.ts', 'services/detector/src/lint-fixture.ts');
    expect(linesOf(found, 'import-x/no-restricted-paths')).toEqual([3, 4]);
    expect(found[0].message).toMatch(/services meet only through topics: services\/detector never imports another service/);
  });

  it('a library imports no service, not even for a type', async () => {
    const found = await lintAs('library-imports-service.ts', 'packages/bus/src/lint-fixture.ts');
    expect(linesOf(found, 'import-x/no-restricted-paths')).toEqual([2]);
    expect(found[0].message).toMatch(/a library \(packages\/\*\) never imports a service/);
  });

  it('no library but the store takes a Store handle', async () => {
    const found = await lintAs('library-holds-store.ts', 'packages/telemetry/src/lint-fixture.ts');
    expect(linesOf(found, 'no-restricted-imports')).toEqual([2]);
  });

  it('no service but the writer inserts into the store (insert calls and INSERT/ALTER statements)', async () => {
    for (const service of ['alerter', 'detector', 'collector', 'query']) {
      const found = await lintAs('non-writer-inserts.ts', `services/${service}/src/lint-fixture.ts`);
      expect(linesOf(found, 'no-restricted-syntax'), service).toEqual([5, 6, 7]);
      expect(found[0].message).toMatch(/only services\/writer/);
    }
  });

  it('no service opens a ClickHouse client of its own', async () => {
    const found = await lintAs('service-opens-clickhouse.ts', 'services/collector/src/lint-fixture.ts');
    expect(linesOf(found, 'no-restricted-imports')).toEqual([2]);
  });
});

describe('boundary lint rules let the architecture through', () => {
  it('the writer inserts', async () => {
    expect(await lintAs('writer-inserts.ts', 'services/writer/src/lint-fixture.ts')).toEqual([]);
  });

  it('the composition root imports every service', async () => {
    expect(await lintAs('root-imports-services.ts', 'services/cli/src/lint-fixture.ts')).toEqual([]);
  });

  it('pure packages, libraries and services import pure packages', async () => {
    for (const at of ['packages/features/src', 'packages/bus/src', 'services/detector/src', 'services/alerter/src']) {
      expect(await lintAs('allowed-imports.ts', `${at}/lint-fixture.ts`), at).toEqual([]);
    }
  });

  it("a pure package's evaluation reads files and the clock (only the core is pure)", async () => {
    expect(await lintAs('bench-reads-files.ts', 'packages/detectors/src/eval/lint-fixture.ts')).toEqual([]);
  });

  it('the same violations outside their scope are not reported (the rules are scoped, not blanket)', async () => {
    // A service may read the clock and do I/O; the pure-package rules must not leak onto it.
    expect(await lintAs('pure-reads-clock.ts', 'services/detector/src/lint-fixture.ts')).toEqual([]);
  });
});
