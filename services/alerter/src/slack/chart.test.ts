import { inflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { CHART_COLOURS, encodePng, renderLineChart } from './chart.js';

/** A minimal PNG reader for the test (RGB8, filter 0 only), written from the PNG specification. */
function decode(png: Buffer): { w: number; h: number; at(x: number, y: number): number[] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  let off = 8, w = 0, h = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.subarray(off + 4, off + 8).toString('ascii');
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') { w = data.readUInt32BE(0); h = data.readUInt32BE(4); expect([data[8], data[9]]).toEqual([8, 2]); }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((w * 3 + 1) * h);
  return { w, h, at: (x, y) => [...raw.subarray(y * (w * 3 + 1) + 1 + x * 3, y * (w * 3 + 1) + 1 + x * 3 + 3)] };
}

describe('PNG line chart', () => {
  test('a 2×1 image round-trips through zlib with the PNG layout', () => {
    const img = decode(encodePng(2, 1, Buffer.from([1, 2, 3, 4, 5, 6])));
    expect([img.w, img.h, img.at(0, 0), img.at(1, 0)]).toEqual([2, 1, [1, 2, 3], [4, 5, 6]]);
  });
  test('the value line goes through its end points; the band is filled under a flat value', () => {
    const pts = [0, 1, 2, 3, 4].map((i) => ({ t: i * 1000, value: i === 4 ? 10 : 0, expected: 0, lower: -1, upper: 1 }));
    const img = decode(renderLineChart(pts, { width: 100, height: 50, markerT: 2000 }));
    expect([img.w, img.h]).toEqual([100, 50]);
    // pad 10: first point (t=0, value 0) at x=10; value range [-1, 10] → y = 50-10-(1/11)*30 ≈ 37.
    expect(img.at(10, 37)).toEqual([...CHART_COLOURS.VALUE]);
    // last point (t=4000, value 10) at x=90, y=10.
    expect(img.at(90, 10)).toEqual([...CHART_COLOURS.VALUE]);
    // the marker at t=2000 → x=50, away from the lines (y=15).
    expect(img.at(50, 15)).toEqual([...CHART_COLOURS.MARKER]);
    // a corner stays white.
    expect(img.at(0, 0)).toEqual([...CHART_COLOURS.WHITE]);
  });
});
