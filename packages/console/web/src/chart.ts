// A small SVG time-series chart: lines, a shaded band (expected range), horizontal lines
// (a decision boundary), vertical markers (deploy, decision, rollback) and labelled dots.
// Each chart is one <svg role="img"> with a sentence for screen readers and a legend in text.
import { fmtNum, fmtTime, h, s } from './dom.js';

export interface ChartLine { name: string; points: Array<[number, number]>; color: string; dash?: boolean; dots?: boolean }
export interface ChartBand { name: string; points: Array<[number, number, number]>; color: string }
export interface ChartMarker { t: number; label: string; color: string }
export interface ChartHLine { y: number; label: string; color: string }
export interface ChartDot { t: number; y: number; label: string; color: string }

export interface ChartSpec {
  title: string;
  description: string;
  lines?: ChartLine[];
  bands?: ChartBand[];
  markers?: ChartMarker[];
  hlines?: ChartHLine[];
  dots?: ChartDot[];
  width?: number;
  height?: number;
  yFormat?: (y: number) => string;
  /** Fix the x range (default: the data's). */
  xRange?: [number, number];
}

const PAD = { l: 56, r: 12, t: 10, b: 26 };

function niceTicks(lo: number, hi: number, n: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((k) => k >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function timeLabel(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (spanMs > 3 * 86_400_000) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (spanMs > 600_000) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (spanMs > 20_000) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  // Under two seconds (a check decided within its first requests) tenths repeat: milliseconds.
  if (spanMs > 2_000) return `${clock}.${Math.floor(d.getMilliseconds() / 100)}`;
  return `${clock}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Split a series where the gap is much longer than its usual step (no line across missing data). */
function segments(points: Array<[number, number]>): Array<Array<[number, number]>> {
  if (points.length < 2) return [points];
  const steps = points.slice(1).map((p, i) => p[0] - points[i][0]).sort((a, b) => a - b);
  const limit = 3 * (steps[Math.floor(steps.length / 2)] || 1);
  const out: Array<Array<[number, number]>> = [[points[0]]];
  for (let i = 1; i < points.length; i++) {
    if (points[i][0] - points[i - 1][0] > limit) out.push([]);
    out.at(-1)?.push(points[i]);
  }
  return out;
}

export function chart(spec: ChartSpec): HTMLElement {
  const W = spec.width ?? 640;
  const H = spec.height ?? 200;
  const lines = spec.lines ?? [];
  const bands = spec.bands ?? [];
  const xs: number[] = [];
  const ys: number[] = [];
  for (const l of lines) for (const [t, y] of l.points) { xs.push(t); ys.push(y); }
  for (const b of bands) for (const [t, lo, hi] of b.points) { xs.push(t); if (Number.isFinite(lo)) ys.push(lo); if (Number.isFinite(hi)) ys.push(hi); }
  for (const m of spec.markers ?? []) xs.push(m.t);
  for (const d of spec.dots ?? []) { xs.push(d.t); ys.push(d.y); }
  for (const hl of spec.hlines ?? []) ys.push(hl.y);
  let [x0, x1] = spec.xRange ?? [Math.min(...xs), Math.max(...xs)];
  if (!Number.isFinite(x0) || !Number.isFinite(x1)) [x0, x1] = [0, 1];
  if (x1 <= x0) x1 = x0 + 1000;
  let y0 = Math.min(0, ...ys.filter(Number.isFinite));
  let y1 = Math.max(...ys.filter(Number.isFinite));
  if (!Number.isFinite(y1) || y1 <= y0) y1 = y0 + 1;
  y1 += (y1 - y0) * 0.08;
  if (!Number.isFinite(y0)) y0 = 0;
  const X = (t: number) => PAD.l + ((t - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const Y = (y: number) => H - PAD.b - ((Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const fy = spec.yFormat ?? ((y: number) => fmtNum(y, 3));

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': `${spec.title}. ${spec.description}`, class: 'chart' });
  for (const v of niceTicks(y0, y1, 4)) {
    svg.append(s('line', { x1: PAD.l, x2: W - PAD.r, y1: Y(v), y2: Y(v), class: 'grid' }));
    svg.append(s('text', { x: PAD.l - 6, y: Y(v) + 4, 'text-anchor': 'end', class: 'tick' }, fy(v)));
  }
  const nx = Math.max(2, Math.floor((W - PAD.l - PAD.r) / 110));
  for (let i = 0; i <= nx; i++) {
    const t = x0 + ((x1 - x0) * i) / nx;
    svg.append(s('text', { x: X(t), y: H - 8, 'text-anchor': i === 0 ? 'start' : i === nx ? 'end' : 'middle', class: 'tick' }, timeLabel(t, x1 - x0)));
  }
  for (const b of bands) {
    const pts = b.points.filter(([, lo, hi]) => Number.isFinite(lo) && Number.isFinite(hi));
    if (pts.length < 2) continue;
    const d = `M${pts.map(([t, , hi]) => `${X(t).toFixed(1)},${Y(hi).toFixed(1)}`).join('L')}L${pts.slice().reverse().map(([t, lo]) => `${X(t).toFixed(1)},${Y(lo).toFixed(1)}`).join('L')}Z`;
    svg.append(s('path', { d, fill: b.color, 'fill-opacity': 0.18, stroke: 'none', class: 'band' }));
  }
  for (const hl of spec.hlines ?? []) {
    svg.append(s('line', { x1: PAD.l, x2: W - PAD.r, y1: Y(hl.y), y2: Y(hl.y), stroke: hl.color, 'stroke-dasharray': '6 4', 'stroke-width': 1.5, class: 'hline' }));
    svg.append(s('text', { x: PAD.l + 40, y: Y(hl.y) + (Y(hl.y) < PAD.t + 30 ? 14 : -4), class: 'mlabel', fill: hl.color }, hl.label));
  }
  for (const l of lines) {
    for (const seg of segments(l.points)) {
      if (seg.length === 0) continue;
      if (seg.length === 1 || l.dots) for (const [t, y] of seg) svg.append(s('circle', { cx: X(t), cy: Y(y), r: 2.5, fill: l.color }));
      if (seg.length > 1) {
        svg.append(s('path', {
          d: `M${seg.map(([t, y]) => `${X(t).toFixed(1)},${Y(y).toFixed(1)}`).join('L')}`,
          fill: 'none', stroke: l.color, 'stroke-width': 1.8, 'stroke-dasharray': l.dash ? '4 3' : null, class: 'line',
        }));
      }
    }
  }
  (spec.markers ?? []).forEach((m, i) => {
    svg.append(s('line', { x1: X(m.t), x2: X(m.t), y1: PAD.t, y2: H - PAD.b, stroke: m.color, 'stroke-width': 1.5, class: 'marker' }));
    const right = X(m.t) > W * 0.7;
    svg.append(s('text', { x: X(m.t) + (right ? -4 : 4), y: PAD.t + 12 + 13 * i, 'text-anchor': right ? 'end' : 'start', class: 'mlabel', fill: m.color }, m.label));
  });
  for (const d of spec.dots ?? []) {
    svg.append(s('circle', { cx: X(d.t), cy: Y(d.y), r: 5, fill: d.color, stroke: '#fff', 'stroke-width': 1.5, class: 'dot' }, s('title', {}, d.label)));
    const right = X(d.t) > W * 0.7;
    svg.append(s('text', { x: X(d.t) + (right ? -8 : 8), y: Y(d.y) + (Y(d.y) < PAD.t + 20 ? 16 : -6), 'text-anchor': right ? 'end' : 'start', class: 'mlabel', fill: d.color }, d.label));
  }
  const legend = h('ul', { class: 'legend' },
    lines.map((l) => h('li', {}, h('span', { class: 'swatch', style: `background:${l.color}` }), l.name)),
    bands.map((b) => h('li', {}, h('span', { class: 'swatch band-swatch', style: `background:${b.color}` }), b.name)),
    (spec.markers ?? []).map((m) => h('li', {}, h('span', { class: 'swatch vline', style: `background:${m.color}` }), `${m.label} ${fmtTime(m.t)}`)),
    (spec.hlines ?? []).map((m) => h('li', {}, h('span', { class: 'swatch dashed', style: `border-color:${m.color}` }), m.label)),
  );
  return h('figure', { class: 'chart-fig' }, h('figcaption', {}, spec.title), svg, legend);
}
