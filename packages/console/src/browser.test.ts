// Finding the browser: CHROMIUM_PATH first, then Debian's chromium; a missing one fails naming
// the package to install (never a download).
import { describe, expect, test } from 'vitest';
import { chromiumPath } from './browser.js';

describe('chromiumPath', () => {
  test('CHROMIUM_PATH wins, and must exist', () => {
    expect(chromiumPath({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
    expect(() => chromiumPath({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(/CHROMIUM_PATH="\/nonexistent\/chromium" does not exist/);
  });

  test('the first existing candidate; none: an error naming the Debian package and the override', () => {
    expect(chromiumPath({}, ['/nonexistent/a', process.execPath])).toBe(process.execPath);
    expect(() => chromiumPath({}, ['/nonexistent/a'])).toThrow(/install the Debian package `chromium`.*CHROMIUM_PATH/s);
  });
});
