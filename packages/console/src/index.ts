// @vigil/console: the console's static bundle (built by Vite from web/) and the routes serving it.
export { ALERTER_PREFIX, consoleMount, defaultWebRoot } from './console-routes.js';
export type { ConsoleMount, ConsoleOptions } from './console-routes.js';
export { axeViolations, chromiumPath, launchChromium } from './browser.js';
