// Debian's chromium (or CHROMIUM_PATH) driven by playwright-core, for the console's browser tests
// and its benchmark. No browser is ever downloaded: a missing executable fails, naming the package.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CANDIDATES): string {
  const override = env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH=${JSON.stringify(override)} does not exist`);
    return override;
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error('no Chromium executable found (looked for /usr/bin/chromium): install the Debian package `chromium` '
      + '(sudo apt-get install chromium fonts-dejavu-core; `npm test` does it when run as root through infra/test/prerequisites.sh) '
      + 'or set CHROMIUM_PATH to a Chromium or Chrome executable');
  }
  return found;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // No sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'],
  });
}

/** Run axe-core in the page; returns the serious and critical violations (id, impact, help, targets). */
export async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string; help: string; targets: string[] }>> {
  const require = createRequire(import.meta.url);
  const { source } = require('axe-core') as { source: string };
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
