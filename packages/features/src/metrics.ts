// Metric points → series samples, one series per (resource service, metric name, sorted point
// attributes) and derived field.
//
// - Gauge: the value, as it comes.
// - Sum, monotonic, cumulative: a rate per second from consecutive points. A reset (the value
//   drops, or the start time changes) restarts counting: the new value is the increase since the
//   reset (Prometheus' rate() rule; OTel data model "Resets and Gaps"). Without a start time only
//   a drop reveals a reset.
// - Sum, delta: the value and a rate per second over the point's interval (start → time, or the
//   gap since the previous point when the start time is missing).
// - Sum, non-monotonic cumulative (UpDownCounter): a gauge.
// - Histogram / exponential histogram: the interval's count rate, mean and p50/p95/p99 estimated
//   from the interval's buckets (cumulative points are differenced first, with the same reset
//   rules).
// - Summary: count rate, sum rate (cumulative count/sum differenced) and the reported quantiles.
// Points older than or equal to the last point of their series are dropped and counted
// (`outOfOrder`): cumulative values after a newer point carry no new information, and the
// detectors downstream need each series in time order.
// Cardinality guard: at most `maxSeriesPerService` series per service; points of further series
// are counted and dropped.
//
// Cost per point: O(attributes · log attributes) for the key, O(buckets) for histograms.
// Memory per series: the key plus the previous cumulative point (O(buckets) for histograms).

import { hash64Hex } from '@vigil/logtemplates';
import { nanosToMs } from './time.js';
import type { UnixNano } from './time.js';

/** OTLP AggregationTemporality: 1 delta, 2 cumulative. */
export type Temporality = 'delta' | 'cumulative';

interface MetricPointCommon {
  /** Resource attribute service.name. */
  service: string;
  /** Metric name. */
  metric: string;
  /** Point attributes (the series identity with service and metric). */
  attributes?: Record<string, unknown> | undefined;
  timeUnixNano: UnixNano;
  /** Missing, zero or empty when the producer did not set it. */
  startTimeUnixNano?: UnixNano | undefined;
  unit?: string | undefined;
}

export interface GaugePointInput extends MetricPointCommon {
  type: 'gauge';
  value: number;
}

export interface SumPointInput extends MetricPointCommon {
  type: 'sum';
  value: number;
  monotonic: boolean;
  temporality: Temporality;
}

export interface HistogramPointInput extends MetricPointCommon {
  type: 'histogram';
  temporality: Temporality;
  count: number;
  sum?: number | undefined;
  /** explicitBounds.length + 1 counts. */
  bucketCounts: number[];
  explicitBounds: number[];
  min?: number | undefined;
  max?: number | undefined;
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramPointInput extends MetricPointCommon {
  type: 'exponentialHistogram';
  temporality: Temporality;
  count: number;
  sum?: number | undefined;
  scale: number;
  zeroCount: number;
  positive: ExponentialBuckets;
  negative?: ExponentialBuckets | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

export interface SummaryPointInput extends MetricPointCommon {
  type: 'summary';
  count: number;
  sum: number;
  quantiles: Array<{ quantile: number; value: number }>;
}

export type MetricPointInput = GaugePointInput | SumPointInput | HistogramPointInput | ExponentialHistogramPointInput | SummaryPointInput;

/** The derived field of a series sample. */
export type MetricField = 'value' | 'rate' | 'delta' | 'count_rate' | 'sum_rate' | 'mean' | 'p50' | 'p95' | 'p99' | `q${string}`;

export interface MetricSample {
  /** `service/metric{k="v",…}` with attributes sorted by key. */
  seriesKey: string;
  /** Stable 64-bit hash (hex) of `seriesKey#field`. */
  seriesHash: string;
  service: string;
  metric: string;
  field: MetricField;
  timeMs: number;
  value: number;
}

export interface MetricSeriesOptions {
  /** Series per service; points of further series are counted and dropped. */
  maxSeriesPerService: number;
  /** Services tracked. */
  maxServices: number;
  /** Series unseen for this long (event time) are forgotten by expireIdle(). */
  seriesIdleMs: number;
  /** Quantiles derived from histograms. */
  histogramQuantiles: number[];
}

export const DEFAULT_METRIC_SERIES_OPTIONS: Readonly<MetricSeriesOptions> = Object.freeze({
  maxSeriesPerService: 2_000,
  maxServices: 10_000,
  seriesIdleMs: 3_600_000,
  histogramQuantiles: [0.5, 0.95, 0.99],
});

export function resolveMetricSeriesOptions(input: Partial<MetricSeriesOptions> = {}): Readonly<MetricSeriesOptions> {
  for (const k of Object.keys(input)) if (!(k in DEFAULT_METRIC_SERIES_OPTIONS)) throw new Error(`features.metrics: unknown option "${k}"`);
  const o: MetricSeriesOptions = { ...DEFAULT_METRIC_SERIES_OPTIONS, ...input };
  for (const k of ['maxSeriesPerService', 'maxServices'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`features.metrics: "${k}" must be a positive integer, got ${JSON.stringify(o[k])}`);
  }
  if (!Number.isFinite(o.seriesIdleMs) || o.seriesIdleMs < 0) throw new Error(`features.metrics: "seriesIdleMs" must be >= 0, got ${JSON.stringify(o.seriesIdleMs)}`);
  if (!Array.isArray(o.histogramQuantiles) || o.histogramQuantiles.some((q) => !(q > 0 && q < 1))) {
    throw new Error(`features.metrics: "histogramQuantiles" must be numbers in (0, 1), got ${JSON.stringify(o.histogramQuantiles)}`);
  }
  return Object.freeze({ ...o, histogramQuantiles: Object.freeze(o.histogramQuantiles.slice()) as number[] });
}

function attrValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? 'null';
}

/** `service/metric{k="v",…}`: attributes sorted by key, values quoted with `\` and `"` escaped. */
export function metricSeriesKey(service: string, metric: string, attributes: Record<string, unknown> | undefined): string {
  let s = `${service}/${metric}{`;
  if (attributes !== undefined) {
    const keys = Object.keys(attributes).sort();
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) s += ',';
      s += `${keys[i]}="${attrValue(attributes[keys[i]]).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    }
  }
  return `${s}}`;
}

export function metricSampleHash(seriesKey: string, field: MetricField): string {
  return hash64Hex(`${seriesKey}#${field}`);
}

/** State of one series: the previous cumulative point (to difference) and the last time. */
interface SeriesState {
  service: string;
  lastTimeMs: number;
  /** Start time of the previous cumulative point (NaN when unknown). */
  startMs: number;
  value: number;
  count: number;
  sum: number;
  /** Previous cumulative buckets (explicit: counts; exponential: [scale, zero, posOffset, …]). */
  buckets: number[] | undefined;
  bounds: number[] | undefined;
  negBuckets: number[] | undefined;
  scale: number;
  posOffset: number;
  negOffset: number;
  zero: number;
  hashes: Map<string, string>;
}

export interface MetricSeriesStats {
  points: number;
  samples: number;
  outOfOrder: number;
  resets: number;
  invalid: number;
  seriesLimitDropped: number;
  serviceLimitDropped: number;
  series: number;
}

export interface MetricSeriesJSON {
  version: 1;
  options: MetricSeriesOptions;
  stats: Omit<MetricSeriesStats, 'series'>;
  series: Array<[string, Omit<SeriesState, 'hashes'>]>;
}

/**
 * Histogram quantile by linear interpolation inside the bucket that holds rank q·count
 * (the Prometheus histogram_quantile rule). The first bucket starts at `lowest` and the overflow
 * bucket ends at `highest` (min and max of the interval when known, otherwise 0 / the last bound).
 */
export function explicitHistogramQuantile(q: number, counts: readonly number[], bounds: readonly number[], lowest: number, highest: number): number {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return NaN;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c <= 0) continue;
    if (seen + c >= rank) {
      let lo = i === 0 ? lowest : bounds[i - 1];
      let hi = i < bounds.length ? bounds[i] : highest;
      if (i === 0 && lo > hi) lo = hi;
      if (hi < lo) hi = lo;
      return lo + ((hi - lo) * (rank - seen)) / c;
    }
    seen += c;
  }
  return highest;
}

/**
 * Quantile of an exponential histogram: bucket index i at scale s covers (base^i, base^(i+1)]
 * with base = 2^(2^-s) (OTLP ExponentialHistogramDataPoint). Within the bucket the value is
 * interpolated log-linearly, so the relative error is below base − 1.
 */
export function exponentialHistogramQuantile(
  q: number,
  scale: number,
  zeroCount: number,
  pos: ExponentialBuckets,
  neg: ExponentialBuckets | undefined,
): number {
  const base = Math.pow(2, Math.pow(2, -scale));
  let total = zeroCount;
  for (const c of pos.bucketCounts) total += c;
  if (neg !== undefined) for (const c of neg.bucketCounts) total += c;
  if (total <= 0) return NaN;
  const rank = q * total;
  let seen = 0;
  if (neg !== undefined) {
    for (let k = neg.bucketCounts.length - 1; k >= 0; k--) {
      const c = neg.bucketCounts[k];
      if (c <= 0) continue;
      if (seen + c >= rank) {
        const idx = neg.offset + k;
        const f = (rank - seen) / c;
        return -Math.pow(base, idx + 1 - f);
      }
      seen += c;
    }
  }
  if (seen + zeroCount >= rank && zeroCount > 0) return 0;
  seen += zeroCount;
  for (let k = 0; k < pos.bucketCounts.length; k++) {
    const c = pos.bucketCounts[k];
    if (c <= 0) continue;
    if (seen + c >= rank) {
      const idx = pos.offset + k;
      const f = (rank - seen) / c;
      return Math.pow(base, idx + f);
    }
    seen += c;
  }
  return NaN;
}

/** Re-index exponential buckets from `fromScale` to a coarser `toScale` (index >> shift). */
function downscale(b: ExponentialBuckets, fromScale: number, toScale: number): ExponentialBuckets {
  const shift = fromScale - toScale;
  if (shift <= 0 || b.bucketCounts.length === 0) return b;
  const first = b.offset >> shift;
  const last = (b.offset + b.bucketCounts.length - 1) >> shift;
  const counts = new Array<number>(last - first + 1).fill(0);
  for (let k = 0; k < b.bucketCounts.length; k++) counts[((b.offset + k) >> shift) - first] += b.bucketCounts[k];
  return { offset: first, bucketCounts: counts };
}

/** cur − prev per absolute bucket index; null when some bucket went down (a reset). */
function subtractBuckets(cur: ExponentialBuckets, prev: ExponentialBuckets): ExponentialBuckets | null {
  const out = cur.bucketCounts.slice();
  for (let k = 0; k < prev.bucketCounts.length; k++) {
    const c = prev.bucketCounts[k];
    if (c === 0) continue;
    const j = prev.offset + k - cur.offset;
    if (j < 0 || j >= out.length) return null;
    out[j] -= c;
    if (out[j] < 0) return null;
  }
  return { offset: cur.offset, bucketCounts: out };
}

export class MetricSeries {
  readonly options: Readonly<MetricSeriesOptions>;
  private readonly series = new Map<string, SeriesState>();
  private readonly perService = new Map<string, number>();
  private readonly s = { points: 0, samples: 0, outOfOrder: 0, resets: 0, invalid: 0, seriesLimitDropped: 0, serviceLimitDropped: 0 };

  constructor(options: Partial<MetricSeriesOptions> = {}) {
    this.options = resolveMetricSeriesOptions(options);
  }

  /** Turn one point into samples (possibly none: first cumulative point, dropped, out of order). */
  add(p: MetricPointInput): MetricSample[] {
    this.s.points++;
    const timeMs = nanosToMs(p.timeUnixNano);
    if (!Number.isFinite(timeMs) || typeof p.service !== 'string' || typeof p.metric !== 'string') {
      this.s.invalid++;
      return [];
    }
    const startRaw = nanosToMs(p.startTimeUnixNano);
    const startMs = startRaw > 0 && startRaw <= timeMs ? startRaw : NaN;
    const key = metricSeriesKey(p.service, p.metric, p.attributes);
    let st = this.series.get(key);
    const fresh = st === undefined;
    if (st === undefined) {
      const n = this.perService.get(p.service);
      if (n === undefined && this.perService.size >= this.options.maxServices) {
        this.s.serviceLimitDropped++;
        return [];
      }
      if ((n ?? 0) >= this.options.maxSeriesPerService) {
        this.s.seriesLimitDropped++;
        return [];
      }
      this.perService.set(p.service, (n ?? 0) + 1);
      st = { service: p.service, lastTimeMs: -Infinity, startMs: NaN, value: NaN, count: NaN, sum: NaN, buckets: undefined, bounds: undefined, negBuckets: undefined, scale: 0, posOffset: 0, negOffset: 0, zero: 0, hashes: new Map() };
      this.series.set(key, st);
    } else if (timeMs <= st.lastTimeMs) {
      this.s.outOfOrder++;
      return [];
    }
    const out: MetricSample[] = [];
    const emit = (field: MetricField, value: number): void => {
      if (!Number.isFinite(value)) return;
      const s = st;
      let h = s.hashes.get(field);
      if (h === undefined) {
        h = metricSampleHash(key, field);
        s.hashes.set(field, h);
      }
      out.push({ seriesKey: key, seriesHash: h, service: p.service, metric: p.metric, field, timeMs, value });
    };
    const prevTime = st.lastTimeMs;
    // A reset: the start time moved (both known), or a cumulative value went down.
    const startChanged = !fresh && Number.isFinite(startMs) && Number.isFinite(st.startMs) && startMs !== st.startMs;
    // Interval of a delta point, or of a cumulative point right after a reset.
    const intervalMs = (reset: boolean): number => {
      if (Number.isFinite(startMs) && startMs < timeMs && (reset || fresh || p.type !== 'sum' || !isCumulative(p))) return timeMs - startMs;
      return Number.isFinite(prevTime) ? timeMs - prevTime : NaN;
    };

    switch (p.type) {
      case 'gauge':
        emit('value', p.value);
        break;
      case 'sum': {
        if (!Number.isFinite(p.value)) break;
        if (p.temporality === 'delta') {
          emit('delta', p.value);
          const dt = Number.isFinite(startMs) && startMs < timeMs ? timeMs - startMs : Number.isFinite(prevTime) ? timeMs - prevTime : NaN;
          emit('rate', dt > 0 ? p.value / (dt / 1000) : NaN);
        } else if (!p.monotonic) {
          emit('value', p.value);
        } else {
          const hasPrev = Number.isFinite(st.value);
          const reset = hasPrev && (startChanged || p.value < st.value);
          if (reset) this.s.resets++;
          if (hasPrev && !reset) {
            const dt = timeMs - prevTime;
            emit('rate', dt > 0 ? (p.value - st.value) / (dt / 1000) : NaN);
          } else if (reset || Number.isFinite(startMs)) {
            // After a reset (or on a first point with a true start time) the value is the
            // increase since the start.
            const dt = Number.isFinite(startMs) && startMs < timeMs ? timeMs - startMs : timeMs - prevTime;
            emit('rate', dt > 0 ? p.value / (dt / 1000) : NaN);
          }
          st.value = p.value;
        }
        break;
      }
      case 'histogram': {
        const n = p.explicitBounds.length + 1;
        if (p.bucketCounts.length !== n) {
          this.s.invalid++;
          break;
        }
        let counts = p.bucketCounts;
        let count = p.count;
        let sum = p.sum ?? NaN;
        let dt: number;
        if (p.temporality === 'cumulative') {
          const prev = st.buckets;
          const sameLayout = prev !== undefined && st.bounds !== undefined && st.bounds.length === p.explicitBounds.length && st.bounds.every((b, i) => b === p.explicitBounds[i]);
          const reset = prev !== undefined && (startChanged || !sameLayout || p.count < st.count || counts.some((c, i) => c < (prev)[i]));
          if (reset) this.s.resets++;
          const prevCounts = st.buckets;
          st.buckets = p.bucketCounts.slice();
          st.bounds = p.explicitBounds.slice();
          const prevCount = st.count;
          const prevSum = st.sum;
          st.count = p.count;
          st.sum = p.sum ?? NaN;
          if (prevCounts !== undefined && !reset) {
            counts = counts.map((c, i) => c - (prevCounts)[i]);
            count = p.count - prevCount;
            sum = (p.sum ?? NaN) - prevSum;
            dt = timeMs - prevTime;
          } else if (reset || Number.isFinite(startMs)) {
            dt = intervalMs(true);
          } else break; // first cumulative point without a start time: nothing to difference
        } else dt = intervalMs(false);
        if (dt > 0) emit('count_rate', count / (dt / 1000));
        if (count > 0) {
          if (Number.isFinite(sum)) emit('mean', sum / count);
          const isDelta = p.temporality === 'delta';
          const lowest = isDelta && p.min !== undefined ? p.min : Math.min(0, p.explicitBounds[0] ?? 0);
          const highest = isDelta && p.max !== undefined ? p.max : (p.explicitBounds[p.explicitBounds.length - 1] ?? 0);
          for (const q of this.options.histogramQuantiles) emit(quantileField(q), explicitHistogramQuantile(q, counts, p.explicitBounds, lowest, highest));
        }
        break;
      }
      case 'exponentialHistogram': {
        let pos: ExponentialBuckets = p.positive;
        let neg: ExponentialBuckets | undefined = p.negative;
        let zero = p.zeroCount;
        let count = p.count;
        let sum = p.sum ?? NaN;
        let scale = p.scale;
        let dt: number;
        if (p.temporality === 'cumulative') {
          const had = st.buckets !== undefined;
          let deltaPos: ExponentialBuckets | null = null;
          let deltaNeg: ExponentialBuckets | null | undefined = undefined;
          if (had && !startChanged && p.count >= st.count && p.zeroCount >= st.zero) {
            // Bring both points to the coarser scale, then subtract bucket-wise.
            scale = Math.min(p.scale, st.scale);
            const curPos = downscale(p.positive, p.scale, scale);
            const prevPos = downscale({ offset: st.posOffset, bucketCounts: st.buckets as number[] }, st.scale, scale);
            deltaPos = subtractBuckets(curPos, prevPos);
            const curNeg = downscale(p.negative ?? { offset: 0, bucketCounts: [] }, p.scale, scale);
            const prevNeg = downscale({ offset: st.negOffset, bucketCounts: st.negBuckets ?? [] }, st.scale, scale);
            deltaNeg = subtractBuckets(curNeg, prevNeg);
          }
          const reset = had && (deltaPos === null || deltaNeg === null);
          if (reset) this.s.resets++;
          const prevCount = st.count;
          const prevSum = st.sum;
          const prevZero = st.zero;
          st.buckets = p.positive.bucketCounts.slice();
          st.posOffset = p.positive.offset;
          st.negBuckets = p.negative?.bucketCounts.slice() ?? [];
          st.negOffset = p.negative?.offset ?? 0;
          st.scale = p.scale;
          st.zero = p.zeroCount;
          st.count = p.count;
          st.sum = p.sum ?? NaN;
          if (had && !reset) {
            pos = deltaPos as ExponentialBuckets;
            neg = deltaNeg ?? undefined;
            zero = p.zeroCount - prevZero;
            count = p.count - prevCount;
            sum = (p.sum ?? NaN) - prevSum;
            dt = timeMs - prevTime;
          } else if (reset || Number.isFinite(startMs)) {
            scale = p.scale;
            dt = intervalMs(true);
          } else break;
        } else dt = intervalMs(false);
        if (dt > 0) emit('count_rate', count / (dt / 1000));
        if (count > 0) {
          if (Number.isFinite(sum)) emit('mean', sum / count);
          for (const q of this.options.histogramQuantiles) {
            let v = exponentialHistogramQuantile(q, scale, zero, pos, neg);
            if (p.temporality === 'delta') {
              if (p.min !== undefined && v < p.min) v = p.min;
              if (p.max !== undefined && v > p.max) v = p.max;
            }
            emit(quantileField(q), v);
          }
        }
        break;
      }
      case 'summary': {
        // Summary count and sum are cumulative (OTLP SummaryDataPoint); quantiles are as reported.
        const hasPrev = Number.isFinite(st.count);
        const reset = hasPrev && (startChanged || p.count < st.count);
        if (reset) this.s.resets++;
        if (hasPrev && !reset) {
          const dt = (timeMs - prevTime) / 1000;
          if (dt > 0) {
            emit('count_rate', (p.count - st.count) / dt);
            emit('sum_rate', (p.sum - st.sum) / dt);
          }
        } else if (reset || Number.isFinite(startMs)) {
          const dt = intervalMs(true) / 1000;
          if (dt > 0) {
            emit('count_rate', p.count / dt);
            emit('sum_rate', p.sum / dt);
          }
        }
        st.count = p.count;
        st.sum = p.sum;
        for (const qv of p.quantiles) emit(quantileField(qv.quantile), qv.value);
        break;
      }
    }
    st.lastTimeMs = timeMs;
    if (Number.isFinite(startMs)) st.startMs = startMs;
    this.s.samples += out.length;
    return out;
  }

  /** Forget series unseen since `nowMs − seriesIdleMs` (frees their cardinality slots). */
  expireIdle(nowMs: number): number {
    const horizon = nowMs - this.options.seriesIdleMs;
    let removed = 0;
    for (const [key, st] of this.series) {
      if (st.lastTimeMs >= horizon) continue;
      this.series.delete(key);
      const n = (this.perService.get(st.service) ?? 1) - 1;
      if (n <= 0) this.perService.delete(st.service);
      else this.perService.set(st.service, n);
      removed++;
    }
    return removed;
  }

  stats(): MetricSeriesStats {
    return { ...this.s, series: this.series.size };
  }

  toJSON(): MetricSeriesJSON {
    const series: MetricSeriesJSON['series'] = [];
    for (const [key, st] of this.series) {
      const { hashes: _h, ...rest } = st;
      series.push([key, { ...rest, lastTimeMs: Number.isFinite(rest.lastTimeMs) ? rest.lastTimeMs : -1 }]);
    }
    return { version: 1, options: { ...this.options, histogramQuantiles: this.options.histogramQuantiles.slice() }, stats: { ...this.s }, series };
  }

  static fromJSON(json: MetricSeriesJSON): MetricSeries {
    if (json.version !== 1) throw new Error(`features.metrics: unsupported state version ${JSON.stringify(json.version)}`);
    const m = new MetricSeries(json.options);
    Object.assign(m.s, json.stats);
    for (const [key, st] of json.series) {
      // JSON has no NaN: restore the "unknown" markers written as null.
      const fix = (v: number | null): number => (v === null ? NaN : v);
      m.series.set(key, {
        ...st,
        startMs: fix(st.startMs),
        value: fix(st.value),
        count: fix(st.count),
        sum: fix(st.sum),
        hashes: new Map(),
      });
      m.perService.set(st.service, (m.perService.get(st.service) ?? 0) + 1);
    }
    return m;
  }
}

function isCumulative(p: MetricPointInput): boolean {
  return (p.type === 'sum' || p.type === 'histogram' || p.type === 'exponentialHistogram') && p.temporality === 'cumulative';
}

function quantileField(q: number): MetricField {
  if (q === 0.5) return 'p50';
  if (q === 0.95) return 'p95';
  if (q === 0.99) return 'p99';
  return `q${q}`;
}
