// `vigil demo`: a bad deploy caught and rolled back in seconds (see run-demo.ts).
export { parseDemoArgs, runDemo } from './run-demo.js';
export type { DemoFigures, DemoFront, DemoOptions, DemoResult } from './run-demo.js';
