// Log records → templates per service and per-template counts per window, through the
// @vigil/logtemplates miner (one default configuration for every source).

import { TemplateMiner } from '@vigil/logtemplates';
import type { MinerOptions, ObserveResult, TemplateMinerJSON, TemplateWindow } from '@vigil/logtemplates';
import { nanosToMs } from './time.js';
import type { UnixNano } from './time.js';

/** Plain log record as the detector maps it from OTLP. */
export interface LogRecordInput {
  /** Resource attribute service.name. */
  service: string;
  /** The record body; non-string bodies are rendered as JSON. */
  body: unknown;
  /** OTel SeverityNumber (1-24). */
  severityNumber?: number | undefined;
  severityText?: string | undefined;
  /** Event time; when missing or zero, the observed time is used (OTel logs data model). */
  timeUnixNano?: UnixNano | undefined;
  observedTimeUnixNano?: UnixNano | undefined;
}

export function logBodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body === undefined || body === null) return '';
  if (typeof body === 'number' || typeof body === 'boolean' || typeof body === 'bigint') return String(body);
  return JSON.stringify(body) ?? '';
}

export class LogTemplateFeatures {
  readonly miner: TemplateMiner;

  constructor(options: Partial<MinerOptions> = {}, miner?: TemplateMiner) {
    this.miner = miner ?? new TemplateMiner(options);
  }

  /**
   * Mine one record. `sinceDeployMs`: time since the service's last deployment (when known),
   * so that a template first seen after it is flagged (`newTemplate.afterDeploy`).
   */
  add(record: LogRecordInput, sinceDeployMs?: number): ObserveResult | { ok: false; reason: 'invalid' } {
    let timeMs = nanosToMs(record.timeUnixNano);
    if (!(timeMs > 0)) timeMs = nanosToMs(record.observedTimeUnixNano);
    if (!(timeMs > 0) || typeof record.service !== 'string') return { ok: false, reason: 'invalid' };
    const severity = record.severityNumber !== undefined && record.severityNumber > 0 ? record.severityNumber : record.severityText;
    return this.miner.observe(record.service, logBodyText(record.body), severity, timeMs, sinceDeployMs === undefined ? {} : { sinceDeployMs });
  }

  closeWindows(untilMs?: number): TemplateWindow[] {
    return this.miner.closeWindows(untilMs);
  }

  flush(): TemplateWindow[] {
    return this.miner.flush();
  }

  toJSON(): TemplateMinerJSON {
    return this.miner.toJSON();
  }

  static fromJSON(json: TemplateMinerJSON): LogTemplateFeatures {
    return new LogTemplateFeatures({}, TemplateMiner.fromJSON(json));
  }
}
