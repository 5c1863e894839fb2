// A small line chart rendered to PNG on the server, with no native dependency: pixels drawn into
// an RGB buffer (Bresenham's line algorithm, 1965; the expected band filled), encoded as PNG (W3C
// PNG specification: signature, IHDR, IDAT = zlib-deflated scanlines each with filter byte 0,
// IEND; every chunk with its CRC-32). Text is left to the Slack message (alt text, figures), so
// no font is needed. Pure apart from zlib.
import { crc32, deflateSync } from 'node:zlib';

export interface ChartPoint {
  t: number;
  value: number;
  expected?: number;
  lower?: number;
  upper?: number;
}

export interface ChartOptions {
  width?: number;
  height?: number;
  /** Vertical marker (e.g. the deployment time). */
  markerT?: number;
}

type Rgb = [number, number, number];
const WHITE: Rgb = [255, 255, 255];
const GRID: Rgb = [225, 228, 232];
const BAND: Rgb = [208, 226, 247];
const EXPECTED: Rgb = [90, 120, 160];
const VALUE: Rgb = [214, 39, 40];
const MARKER: Rgb = [255, 160, 0];

class Canvas {
  readonly px: Buffer;
  constructor(readonly w: number, readonly h: number) {
    this.px = Buffer.alloc(w * h * 3, 255);
  }
  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return;
    const i = (y * this.w + x) * 3;
    this.px[i] = c[0];
    this.px[i + 1] = c[1];
    this.px[i + 2] = c[2];
  }
  /** Bresenham line, `thick` pixels wide (vertical thickening). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thick = 1): void {
    x0 = Math.round(x0); y0 = Math.round(y0); x1 = Math.round(x1); y1 = Math.round(y1);
    const dx = Math.abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    const dy = -Math.abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      for (let k = 0; k < thick; k++) this.set(x0, y0 + k - Math.floor(thick / 2), c);
      if (x0 === x1 && y0 === y1) break;
      const e2 = 2 * err;
      if (e2 >= dy) { err += dy; x0 += sx; }
      if (e2 <= dx) { err += dx; y0 += sy; }
    }
  }
  vspan(x: number, yTop: number, yBottom: number, c: Rgb): void {
    for (let y = Math.round(Math.min(yTop, yBottom)); y <= Math.round(Math.max(yTop, yBottom)); y++) this.set(x, y, c);
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** Encode an RGB8 buffer as PNG. */
export function encodePng(w: number, h: number, rgb: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // deflate, adaptive filtering, no interlace
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0; // filter: none
    rgb.copy(raw, y * (w * 3 + 1) + 1, y * w * 3, (y + 1) * w * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Value (red) over the expected band (light blue) and expected line; a vertical deploy marker. */
export function renderLineChart(points: readonly ChartPoint[], opts: ChartOptions = {}): Buffer {
  const w = opts.width ?? 480, h = opts.height ?? 200, pad = 10;
  const c = new Canvas(w, h);
  const pts = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.value)).slice().sort((a, b) => a.t - b.t);
  for (let i = 1; i < 4; i++) c.line(pad, pad + ((h - 2 * pad) * i) / 4, w - pad, pad + ((h - 2 * pad) * i) / 4, GRID);
  if (pts.length === 0) return encodePng(w, h, c.px);
  const ys = pts.flatMap((p) => [p.value, p.expected, p.lower, p.upper].filter((v): v is number => v !== undefined && Number.isFinite(v)));
  let lo = Math.min(...ys), hi = Math.max(...ys);
  if (hi - lo < 1e-12) { hi += 1; lo -= 1; }
  const t0 = pts[0].t, t1 = pts[pts.length - 1].t === t0 ? t0 + 1 : pts[pts.length - 1].t;
  const X = (t: number): number => pad + ((t - t0) / (t1 - t0)) * (w - 2 * pad);
  const Y = (v: number): number => h - pad - ((v - lo) / (hi - lo)) * (h - 2 * pad);
  // Band: filled column by column between consecutive points (linear interpolation).
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1], b = pts[i];
    if (a.lower === undefined || a.upper === undefined || b.lower === undefined || b.upper === undefined) continue;
    for (let x = Math.round(X(a.t)); x <= Math.round(X(b.t)); x++) {
      const f = X(b.t) === X(a.t) ? 0 : (x - X(a.t)) / (X(b.t) - X(a.t));
      c.vspan(x, Y(a.upper + (b.upper - a.upper) * f), Y(a.lower + (b.lower - a.lower) * f), BAND);
    }
  }
  if (opts.markerT !== undefined && opts.markerT >= t0 && opts.markerT <= t1) c.line(X(opts.markerT), pad, X(opts.markerT), h - pad, MARKER, 2);
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1], b = pts[i];
    if (a.expected !== undefined && b.expected !== undefined) c.line(X(a.t), Y(a.expected), X(b.t), Y(b.expected), EXPECTED);
  }
  for (let i = 1; i < pts.length; i++) c.line(X(pts[i - 1].t), Y(pts[i - 1].value), X(pts[i].t), Y(pts[i].value), VALUE, 2);
  if (pts.length === 1) c.line(X(pts[0].t) - 2, Y(pts[0].value), X(pts[0].t) + 2, Y(pts[0].value), VALUE, 3);
  return encodePng(w, h, c.px);
}

export const CHART_COLOURS = { WHITE, VALUE, BAND, MARKER } as const;
