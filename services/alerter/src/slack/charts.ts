// Chart images for Slack: rendered once, kept in memory under an unguessable token for a while,
// served at GET /v1/slack/chart?t={token} without bearer auth (Slack's servers fetch
// image_url anonymously; the 128-bit random token is the capability). Bounded: at most
// `maxCharts`, the oldest go first, and each expires after `ttlMs`.
import { randomBytes } from 'node:crypto';

export const CHART_PATH = '/v1/slack/chart';

export class ChartStore {
  private readonly charts = new Map<string, { png: Buffer; atMs: number }>();
  constructor(private readonly ttlMs: number, private readonly maxCharts = 500) {}

  put(png: Buffer, now: number): string {
    this.prune(now);
    const token = randomBytes(16).toString('hex');
    this.charts.set(token, { png, atMs: now });
    while (this.charts.size > this.maxCharts) this.charts.delete(this.charts.keys().next().value as string);
    return token;
  }

  get(token: string, now: number): Buffer | undefined {
    const c = this.charts.get(token);
    if (!c || now - c.atMs > this.ttlMs) return undefined;
    return c.png;
  }

  private prune(now: number): void {
    for (const [k, v] of this.charts) {
      if (now - v.atMs <= this.ttlMs) break;
      this.charts.delete(k);
    }
  }
}
