// TemplateMiner: log records → templates per service, per-template counts in event-time windows,
// and "new template" events. Pure: time comes from the records, no I/O, no clock.
//
// Windows: tumbling `windowMs` of event time. The watermark is the largest event time seen minus
// `allowedLatenessMs`; a window closes (is returned by closeWindows()) once the watermark passes
// its end. A record older than a closed window still teaches the miner its template, but its
// count is dropped and counted in `stats().lateDropped`.
//
// Memory: bounded by maxServices × (maxTemplatesPerService templates + maxAliasesPerService
// aliases) plus the open windows (one entry per template seen in the window).

import { resolveMinerOptions } from './options.js';
import type { MinerOptions } from './options.js';
import { SEVERITY_NAMES, severityIndex } from './severity.js';
import { TemplateSet, resolveTemplate } from './template-set.js';
import type { Template, TemplateSetJSON, TemplateSetOptions } from './template-set.js';
import { tokenize } from './tokenizer.js';

export interface ObserveOptions {
  /**
   * Time since the last deployment of this service, in ms (the caller knows deployments).
   * A template first seen within `newTemplateAfterDeployMs` of a deployment is flagged.
   */
  sinceDeployMs?: number;
}

export interface NewTemplateEvent {
  service: string;
  templateId: string;
  template: string;
  firstSeenMs: number;
  /** Echo of ObserveOptions.sinceDeployMs. */
  sinceDeployMs: number | undefined;
  /** True when the template appeared within `newTemplateAfterDeployMs` after a deployment. */
  afterDeploy: boolean;
}

export interface TemplateMergeEvent {
  service: string;
  /** The surviving (more general) template. */
  templateId: string;
  template: string;
  /** Ids that now mean `templateId` (callers may alias them). */
  mergedIds: string[];
  /**
   * `templateId` was created by this merge (a more general text, never reported before): a
   * caller that wants stable ids keeps publishing the id of the oldest merged template for it.
   */
  created: boolean;
}

export type ObserveResult =
  | {
      ok: true;
      service: string;
      templateId: string;
      template: string;
      /** The record's window was already closed: its count was dropped. */
      late: boolean;
      newTemplate: NewTemplateEvent | undefined;
      merged: TemplateMergeEvent | undefined;
    }
  | { ok: false; reason: 'service-limit' };

export type SeverityCounts = Record<(typeof SEVERITY_NAMES)[number], number>;

export interface TemplateCount {
  templateId: string;
  template: string;
  count: number;
  severity: SeverityCounts;
}

/** Counts of one service in one closed window. */
export interface TemplateWindow {
  service: string;
  windowStartMs: number;
  windowEndMs: number;
  lines: number;
  severity: SeverityCounts;
  templates: TemplateCount[];
}

export interface MinerStats {
  services: number;
  templates: number;
  linesObserved: number;
  lateDropped: number;
  serviceLimitDropped: number;
  templatesEvicted: number;
  openWindows: number;
}

interface Acc {
  count: number;
  severity: number[];
  template: string;
}

interface ServiceWindow {
  lines: number;
  severity: number[];
  templates: Map<string, Acc>;
}

export interface TemplateMinerJSON {
  version: 1;
  options: MinerOptions;
  maxEventMs: number | null;
  closedBeforeMs: number | null;
  lateDropped: number;
  serviceLimitDropped: number;
  linesObserved: number;
  services: Record<string, TemplateSetJSON>;
  windows: Array<{ startMs: number; service: string; lines: number; severity: number[]; templates: Array<[string, string, number, number[]]> }>;
}

/** Window entry that collects the templates past the per-window cap. */
const OVERFLOW_ID = 'overflow';
const OVERFLOW_TEXT = '(templates over the per-window cap)';

function setOptions(o: Readonly<MinerOptions>): TemplateSetOptions {
  return {
    maxTemplates: o.maxTemplatesPerService,
    maxAliases: o.maxAliasesPerService,
    generaliseAfterValues: o.generaliseAfterValues,
    minContextWords: o.minContextWords,
    maxSpanTokens: o.maxSpanTokens,
  };
}

const zeros = (): number[] => [0, 0, 0, 0, 0, 0, 0];

function severityRecord(a: readonly number[]): SeverityCounts {
  const r = {} as SeverityCounts;
  for (let i = 0; i < SEVERITY_NAMES.length; i++) r[SEVERITY_NAMES[i]] = a[i];
  return r;
}

export class TemplateMiner {
  readonly options: Readonly<MinerOptions>;
  private readonly services = new Map<string, TemplateSet>();
  /** windowStart → service → counts. */
  private readonly windows = new Map<number, Map<string, ServiceWindow>>();
  private maxEventMs = -Infinity;
  /** Every window starting before this has been closed. */
  private closedBeforeMs = -Infinity;
  private lateDropped = 0;
  private serviceLimitDropped = 0;
  private linesObserved = 0;

  constructor(options: Partial<MinerOptions> = {}) {
    this.options = resolveMinerOptions(options);
  }

  private setFor(service: string): TemplateSet | undefined {
    let set = this.services.get(service);
    if (set === undefined) {
      if (this.services.size >= this.options.maxServices) return undefined;
      set = new TemplateSet(setOptions(this.options));
      this.services.set(service, set);
    }
    return set;
  }

  /**
   * Learn the template of one log record and count it in its window.
   * `severity`: OTel SeverityNumber (1-24) or severity text; `timeMs`: the record's event time.
   */
  observe(service: string, body: string, severity: number | string | undefined, timeMs: number, opts: ObserveOptions = {}): ObserveResult {
    const set = this.setFor(service);
    if (set === undefined) {
      this.serviceLimitDropped++;
      return { ok: false, reason: 'service-limit' };
    }
    this.linesObserved++;
    const { tokens, glue } = tokenize(body, this.options.maxTokensPerLine, this.options.maskQuotedText, this.options.maskQualifiedNames);
    const outcome = set.observe(tokens, glue, timeMs);
    const t = outcome.template;

    let merged: TemplateMergeEvent | undefined;
    if (outcome.mergedIds !== undefined && outcome.mergedIds.length > 0) {
      merged = { service, templateId: t.id, template: t.text, mergedIds: outcome.mergedIds, created: outcome.survivorCreated === true };
      this.rekeyOpenWindows(service, outcome.mergedIds, t);
    }
    let newTemplate: NewTemplateEvent | undefined;
    if (outcome.created) {
      const since = opts.sinceDeployMs;
      newTemplate = {
        service,
        templateId: t.id,
        template: t.text,
        firstSeenMs: timeMs,
        sinceDeployMs: since,
        afterDeploy: since !== undefined && since >= 0 && since <= this.options.newTemplateAfterDeployMs,
      };
    }

    if (timeMs > this.maxEventMs) this.maxEventMs = timeMs;
    const start = Math.floor(timeMs / this.options.windowMs) * this.options.windowMs;
    const late = start < this.closedBeforeMs;
    if (late) this.lateDropped++;
    else this.count(service, start, t, severityIndex(severity));
    return { ok: true, service, templateId: t.id, template: t.text, late, newTemplate, merged };
  }

  /** The current template of a body without learning or counting (undefined if unknown). */
  peek(service: string, body: string): { templateId: string; template: string } | undefined {
    const set = this.services.get(service);
    if (set === undefined) return undefined;
    const { tokens, glue } = tokenize(body, this.options.maxTokensPerLine, this.options.maskQuotedText, this.options.maskQualifiedNames);
    const t = set.find(tokens, glue);
    return t === undefined ? undefined : { templateId: t.id, template: t.text };
  }

  private count(service: string, start: number, t: Template, sev: number): void {
    let byService = this.windows.get(start);
    if (byService === undefined) {
      byService = new Map();
      this.windows.set(start, byService);
    }
    let w = byService.get(service);
    if (w === undefined) {
      w = { lines: 0, severity: zeros(), templates: new Map() };
      byService.set(service, w);
    }
    w.lines++;
    w.severity[sev]++;
    let acc = w.templates.get(t.id);
    if (acc === undefined) {
      // Bounded like the template set: past the cap, a window folds new ids into one entry.
      if (w.templates.size >= this.options.maxTemplatesPerService) {
        acc = w.templates.get(OVERFLOW_ID);
        if (acc === undefined) {
          acc = { count: 0, severity: zeros(), template: OVERFLOW_TEXT };
          w.templates.set(OVERFLOW_ID, acc);
        }
      } else {
        acc = { count: 0, severity: zeros(), template: t.text };
        w.templates.set(t.id, acc);
      }
    }
    acc.count++;
    acc.severity[sev]++;
  }

  private rekeyOpenWindows(service: string, mergedIds: readonly string[], into: Template): void {
    for (const byService of this.windows.values()) {
      const w = byService.get(service);
      if (w === undefined) continue;
      for (const id of mergedIds) {
        const acc = w.templates.get(id);
        if (acc === undefined) continue;
        w.templates.delete(id);
        const target = w.templates.get(into.id);
        if (target === undefined) w.templates.set(into.id, { count: acc.count, severity: acc.severity, template: into.text });
        else {
          target.count += acc.count;
          for (let i = 0; i < target.severity.length; i++) target.severity[i] += acc.severity[i];
        }
      }
    }
  }

  /** The watermark: largest event time seen minus the allowed lateness. */
  watermarkMs(): number {
    return this.maxEventMs - this.options.allowedLatenessMs;
  }

  /**
   * Close and return the windows whose end is at or before the watermark (or `untilMs`, when
   * the caller drives time, e.g. on idle partitions). Sorted by window start, then service.
   */
  closeWindows(untilMs?: number): TemplateWindow[] {
    const limit = untilMs ?? this.watermarkMs();
    const out: TemplateWindow[] = [];
    const starts = [...this.windows.keys()].filter((s) => s + this.options.windowMs <= limit).sort((a, b) => a - b);
    for (const start of starts) {
      const byService = this.windows.get(start) as Map<string, ServiceWindow>;
      this.windows.delete(start);
      for (const service of [...byService.keys()].sort()) {
        const w = byService.get(service) as ServiceWindow;
        const templates: TemplateCount[] = [];
        for (const [templateId, acc] of w.templates) {
          templates.push({ templateId, template: acc.template, count: acc.count, severity: severityRecord(acc.severity) });
        }
        templates.sort((a, b) => b.count - a.count || (a.templateId < b.templateId ? -1 : 1));
        out.push({ service, windowStartMs: start, windowEndMs: start + this.options.windowMs, lines: w.lines, severity: severityRecord(w.severity), templates });
      }
    }
    const closedTo = Math.floor(limit / this.options.windowMs) * this.options.windowMs;
    if (Number.isFinite(closedTo) && closedTo > this.closedBeforeMs) this.closedBeforeMs = closedTo;
    return out;
  }

  /** Close every open window (shutdown). */
  flush(): TemplateWindow[] {
    return this.closeWindows(Infinity);
  }

  /** Current templates of a service, most recently seen last. */
  templates(service: string): Array<{ templateId: string; template: string; count: number; firstSeenMs: number; lastSeenMs: number }> {
    const set = this.services.get(service);
    if (set === undefined) return [];
    return [...set.templates()].map((t) => ({ templateId: t.id, template: t.text, count: t.count, firstSeenMs: t.firstSeenMs, lastSeenMs: t.lastSeenMs }));
  }

  stats(): MinerStats {
    let templates = 0;
    let evicted = 0;
    for (const s of this.services.values()) {
      templates += s.size;
      evicted += s.evicted;
    }
    let openWindows = 0;
    for (const w of this.windows.values()) openWindows += w.size;
    return {
      services: this.services.size,
      templates,
      linesObserved: this.linesObserved,
      lateDropped: this.lateDropped,
      serviceLimitDropped: this.serviceLimitDropped,
      templatesEvicted: evicted,
      openWindows,
    };
  }

  toJSON(): TemplateMinerJSON {
    const services: Record<string, TemplateSetJSON> = {};
    for (const [name, set] of this.services) services[name] = set.toJSON();
    const windows: TemplateMinerJSON['windows'] = [];
    for (const [startMs, byService] of this.windows) {
      for (const [service, w] of byService) {
        windows.push({ startMs, service, lines: w.lines, severity: w.severity.slice(), templates: [...w.templates].map(([id, a]) => [id, a.template, a.count, a.severity.slice()]) });
      }
    }
    return {
      version: 1,
      options: { ...this.options },
      maxEventMs: Number.isFinite(this.maxEventMs) ? this.maxEventMs : null,
      closedBeforeMs: Number.isFinite(this.closedBeforeMs) ? this.closedBeforeMs : null,
      lateDropped: this.lateDropped,
      serviceLimitDropped: this.serviceLimitDropped,
      linesObserved: this.linesObserved,
      services,
      windows,
    };
  }

  static fromJSON(json: TemplateMinerJSON): TemplateMiner {
    if (json.version !== 1) throw new Error(`logtemplates: unsupported state version ${JSON.stringify(json.version)}`);
    const m = new TemplateMiner(json.options);
    for (const [name, s] of Object.entries(json.services)) {
      m.services.set(name, TemplateSet.fromJSON(s, setOptions(m.options)));
    }
    for (const w of json.windows) {
      let byService = m.windows.get(w.startMs);
      if (byService === undefined) {
        byService = new Map();
        m.windows.set(w.startMs, byService);
      }
      byService.set(w.service, {
        lines: w.lines,
        severity: w.severity.slice(),
        templates: new Map(w.templates.map(([id, template, count, severity]) => [id, { count, severity: severity.slice(), template }])),
      });
    }
    m.maxEventMs = json.maxEventMs ?? -Infinity;
    m.closedBeforeMs = json.closedBeforeMs ?? -Infinity;
    m.lateDropped = json.lateDropped;
    m.serviceLimitDropped = json.serviceLimitDropped;
    m.linesObserved = json.linesObserved;
    return m;
  }
}

export { resolveTemplate };
