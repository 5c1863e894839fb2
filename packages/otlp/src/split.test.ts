import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.js';
import { encodeLogs, encodeMetrics, encodeTraces } from './encode.js';
import { logsFromJson, metricsFromJson, tracesFromJson } from './json.js';
import { DecodeError } from './reader.js';
import { sampleLogs, sampleMetrics, sampleTraces } from './samples.js';
import { serviceKey, splitRequest } from './split.js';
import type { KeyValue } from './types.js';

describe('splitRequest', () => {
  it('cuts a request into one valid request per resource, zero-copy, keyed by service', () => {
    const req = sampleTraces({ resources: 4, itemsPerResource: 7 });
    const bytes = encodeTraces(req);
    const out = splitRequest('traces', bytes);
    expect(out.records).toHaveLength(4);
    expect(out.items).toBe(28);
    out.records.forEach((rec, i) => {
      expect(decodeTraces(rec.value)).toEqual({ resourceSpans: [req.resourceSpans[i]] });
      expect(rec.key).toBe(`shop/svc-${i}`);
      expect(rec.serviceVersion).toBe(`1.${i}.0`);
      expect(rec.items).toBe(7);
      expect(rec.value.buffer).toBe(bytes.buffer); // a view of the request, not a copy
    });
  });

  it('counts data points and log records', () => {
    const m = splitRequest('metrics', encodeMetrics(sampleMetrics({ resources: 3 })));
    expect(m.items).toBe(3 * 6); // sum 1 + gauge 2 + histogram 1 + exp 1 + summary 1
    expect(m.records.map((r) => decodeMetrics(r.value).resourceMetrics.length)).toEqual([1, 1, 1]);
    const l = splitRequest('logs', encodeLogs(sampleLogs({ resources: 2, itemsPerResource: 5 })));
    expect(l.items).toBe(10);
    expect(decodeLogs(l.records[1].value).resourceLogs[0].scopeLogs[0].logRecords).toHaveLength(5);
  });

  it('keys: namespace/name, name alone, unknown_service', () => {
    expect(serviceKey({ serviceName: 'a', serviceNamespace: 'ns' })).toBe('ns/a');
    expect(serviceKey({ serviceName: 'a', serviceNamespace: '' })).toBe('a');
    expect(serviceKey({ serviceName: '', serviceNamespace: '' })).toBe('unknown_service');
    const noNs = splitRequest('traces', encodeTraces(sampleTraces({ resources: 1, serviceNamespace: '' })));
    expect(noNs.records[0].key).toBe('svc-0');
  });

  it('cuts a resource above maxRecordBytes by scope and by span, losing nothing', () => {
    const req = sampleTraces({ resources: 1, itemsPerResource: 200, extraAttributes: 4 });
    // Two scopes, so both cutting levels run.
    const rs = req.resourceSpans[0];
    rs.scopeSpans.push({ ...rs.scopeSpans[0], scope: { name: 'second', version: '', attributes: [], droppedAttributesCount: 0 } });
    const bytes = encodeTraces(req);
    const out = splitRequest('traces', bytes, { maxRecordBytes: 8 * 1024 });
    expect(out.records.length).toBeGreaterThan(bytes.length / (8 * 1024));
    expect(out.rejectedItems).toBe(0);
    expect(out.items).toBe(400);
    const spans = out.records.flatMap((r) => {
      expect(r.value.length).toBeLessThanOrEqual(8 * 1024);
      const d = decodeTraces(r.value);
      expect(d.resourceSpans[0].resource).toEqual(rs.resource);
      return d.resourceSpans[0].scopeSpans.flatMap((s) => s.spans);
    });
    expect(spans).toEqual([...rs.scopeSpans[0].spans, ...rs.scopeSpans[1].spans]);
  });

  it('rejects a single span larger than maxRecordBytes as partial success', () => {
    const req = sampleTraces({ resources: 1, itemsPerResource: 3 });
    const big: KeyValue = { key: 'blob', value: { stringValue: 'x'.repeat(5000) } };
    req.resourceSpans[0].scopeSpans[0].spans[1].attributes.push(big);
    const out = splitRequest('traces', encodeTraces(req), { maxRecordBytes: 4096 });
    expect(out.rejectedItems).toBe(1);
    expect(out.items).toBe(2);
    expect(out.rejectedMessage).toContain('maxRecordBytes');
  });

  const bad: Array<[string, Uint8Array]> = [
    ['truncated length', Uint8Array.from([0x0a, 0x05, 0x0a, 0x00])],
    ['wrong wire type for resource_spans', Uint8Array.from([0x08, 0x01])],
    ['wrong wire type for span name', Uint8Array.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x28, 0x01])],
    ['invalid UTF-8 in span name', Uint8Array.from([0x0a, 0x08, 0x12, 0x06, 0x12, 0x04, 0x2a, 0x02, 0xc3, 0x28])],
    ['field number 0', Uint8Array.from([0x02, 0x00])],
    ['unterminated varint', Uint8Array.from([0x0a, 0x80])],
    ['group wire type', Uint8Array.from([0x0b])],
  ];
  it.each(bad)('throws DecodeError on %s', (_n, bytes) => {
    expect(() => splitRequest('traces', bytes)).toThrow(DecodeError);
  });

  it('truncating a valid request anywhere but between resources is detected', () => {
    const bytes = encodeTraces(sampleTraces({ resources: 2, itemsPerResource: 3 }));
    const boundary = splitRequest('traces', bytes).records[0].value.length; // a complete 1-resource request
    for (let cut = 1; cut < bytes.length; cut++) {
      if (cut === boundary) continue;
      expect(() => splitRequest('traces', bytes.subarray(0, cut))).toThrow(DecodeError);
    }
  });

  it('bounds AnyValue nesting instead of overflowing the stack', () => {
    // array_value nested 100k deep: [0x2a len [0x0a len [...]]]
    let inner: Buffer = Buffer.from([0x08, 0x01]); // bool_value true
    for (let i = 0; i < 2000; i++) {
      const arr = Buffer.concat([Buffer.from([0x0a]), varint(inner.length), inner]); // ArrayValue.values
      inner = Buffer.concat([Buffer.from([0x2a]), varint(arr.length), arr]); // AnyValue.array_value
    }
    const kv = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b, 0x12]), varint(inner.length), inner]);
    const res = Buffer.concat([Buffer.from([0x0a]), varint(kv.length), kv]);
    const rs = Buffer.concat([Buffer.from([0x0a]), varint(res.length), res]);
    const req = Buffer.concat([Buffer.from([0x0a]), varint(rs.length), rs]);
    expect(() => splitRequest('traces', req)).toThrow(/nested too deeply/);
    expect(() => decodeTraces(req)).toThrow(/nested too deeply/);
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return Buffer.from(out);
}

describe('decoders never crash (property-based)', () => {
  const valid = [
    encodeTraces(sampleTraces({ resources: 2, itemsPerResource: 3 })),
    encodeMetrics(sampleMetrics({ resources: 1 })),
    encodeLogs(sampleLogs({ resources: 1, itemsPerResource: 2 })),
  ];
  const onlyDecodeErrors = (fn: () => unknown): void => {
    try { fn(); } catch (e) { if (!(e instanceof DecodeError)) throw e; }
  };
  const all = (bytes: Uint8Array): void => {
    onlyDecodeErrors(() => decodeTraces(bytes));
    onlyDecodeErrors(() => decodeMetrics(bytes));
    onlyDecodeErrors(() => decodeLogs(bytes));
    onlyDecodeErrors(() => splitRequest('traces', bytes));
    onlyDecodeErrors(() => splitRequest('metrics', bytes));
    onlyDecodeErrors(() => splitRequest('logs', bytes));
  };

  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (b) => { all(b); }), { numRuns: 2000, seed: 42 });
  });

  it('mutated valid payloads (flip, insert, delete bytes)', () => {
    fc.assert(fc.property(
      fc.constantFrom(...valid),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'insert', 'delete')), { minLength: 1, maxLength: 8 }),
      (base, edits) => {
        const b = Array.from(base);
        for (const [pos, v, op] of edits) {
          const i = pos % (b.length + 1);
          if (op === 'flip' && i < b.length) b[i] = v;
          else if (op === 'insert') b.splice(i, 0, v);
          else if (op === 'delete' && b.length > 0) b.splice(i % b.length, 1);
        }
        all(Uint8Array.from(b));
      },
    ), { numRuns: 3000, seed: 7 });
  });

  it('a request the splitter accepts decodes, and its records decode to the same data', () => {
    fc.assert(fc.property(fc.constantFrom(...valid.slice(0, 1)), fc.nat(), fc.integer({ min: 0, max: 255 }), (base, pos, v) => {
      const b = Buffer.from(base);
      b[pos % b.length] = v;
      let split;
      try { split = splitRequest('traces', b); } catch (e) { if (e instanceof DecodeError) return; throw e; }
      const whole = decodeTraces(b);
      const parts = split.records.flatMap((r) => decodeTraces(r.value).resourceSpans);
      expect(parts).toEqual(whole.resourceSpans);
    }), { numRuns: 2000, seed: 3 });
  });

  it('random JSON values into the JSON mappers', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
      onlyDecodeErrors(() => tracesFromJson(v));
      onlyDecodeErrors(() => metricsFromJson(v));
      onlyDecodeErrors(() => logsFromJson(v));
      onlyDecodeErrors(() => tracesFromJson({ resourceSpans: [{ scopeSpans: [{ spans: [v] }] }] }));
      onlyDecodeErrors(() => metricsFromJson({ resourceMetrics: [{ scopeMetrics: [{ metrics: [v] }] }] }));
      onlyDecodeErrors(() => logsFromJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [v] }] }] }));
    }), { numRuns: 2000, seed: 11 });
  });
});
