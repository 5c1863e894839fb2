import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources: each @vigil/* import resolves to its src/index.ts.
// Processes spawned by integration tests run the compiled dist/ (npm test builds first).
const root = fileURLToPath(new URL('.', import.meta.url));
const alias: Record<string, string> = {};
for (const kind of ['packages', 'services']) {
  for (const name of readdirSync(`${root}${kind}`)) {
    const entry = `${root}${kind}/${name}/src/index.ts`;
    if (existsSync(entry)) alias[`@vigil/${name}`] = entry;
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/faults/**/*.test.ts'],
          globalSetup: ['./infra/test/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Integration suites share one broker and spawn processes: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
