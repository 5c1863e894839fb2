import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.js';
import { encodeLogs, encodeMetrics, encodeTraces } from './encode.js';
import { logsFromJson, metricsFromJson, tracesFromJson } from './json.js';
import { DecodeError } from './reader.js';
import { sampleLogs, sampleMetrics, sampleTraces } from './samples.js';
import { MAX_COMMIT_BYTES, serviceKey, splitRequest } from './split.js';
import type { ServiceIdentity } from './split.js';
import type { AnyValue, KeyValue } from './types.js';

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

describe('resource identity read by the splitter', () => {
  const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
  /** One traces request whose single resource has `attrs` after the sample's own (service.*, env). */
  const identity = (attrs: KeyValue[]): ServiceIdentity[] => {
    const req = sampleTraces({ resources: 1, itemsPerResource: 2 });
    req.resourceSpans[0].resource!.attributes.push(...attrs);
    return splitRequest('traces', encodeTraces(req)).records.map(({ serviceName, serviceNamespace, serviceVersion, deploymentEnvironment, commit }) =>
      ({ serviceName, serviceNamespace, serviceVersion, deploymentEnvironment, commit }));
  };
  const commitOf = (attrs: KeyValue[]): string => identity(attrs)[0].commit;
  const SHA = '9d59409acf479dfa0df1aa568182e43e43df8bbe';

  it('commit from vcs.ref.head.revision (OTel VCS conventions), else git.commit.sha (Datadog), else empty', () => {
    expect(identity([str('vcs.ref.head.revision', SHA)])).toEqual([
      { serviceName: 'svc-0', serviceNamespace: 'shop', serviceVersion: '1.0.0', deploymentEnvironment: 'prod', commit: SHA },
    ]);
    expect(commitOf([str('git.commit.sha', 'abc123')])).toBe('abc123');
    expect(commitOf([])).toBe('');
    expect(commitOf([str('vcs.ref.head.name', 'main'), str('git.repository_url', 'x')])).toBe('');
  });

  it('vcs.ref.head.revision wins over git.commit.sha in either order; an empty one does not count', () => {
    expect(commitOf([str('vcs.ref.head.revision', 'vcs'), str('git.commit.sha', 'git')])).toBe('vcs');
    expect(commitOf([str('git.commit.sha', 'git'), str('vcs.ref.head.revision', 'vcs')])).toBe('vcs');
    expect(commitOf([str('vcs.ref.head.revision', ''), str('git.commit.sha', 'git')])).toBe('git');
  });

  it('only string values count; a non-string revision falls back to git.commit.sha', () => {
    expect(commitOf([{ key: 'vcs.ref.head.revision', value: { intValue: 123n } }])).toBe('');
    expect(commitOf([{ key: 'git.commit.sha', value: { arrayValue: { values: [{ stringValue: 'abc' }] } } }])).toBe('');
    expect(commitOf([{ key: 'vcs.ref.head.revision', value: { boolValue: true } }, str('git.commit.sha', 'git')])).toBe('git');
  });

  it(`a commit longer than ${MAX_COMMIT_BYTES} UTF-8 bytes is ignored, the bound counts bytes`, () => {
    expect(commitOf([str('vcs.ref.head.revision', 'a'.repeat(MAX_COMMIT_BYTES))])).toBe('a'.repeat(MAX_COMMIT_BYTES));
    expect(commitOf([str('vcs.ref.head.revision', 'a'.repeat(MAX_COMMIT_BYTES + 1))])).toBe('');
    expect(commitOf([str('vcs.ref.head.revision', 'é'.repeat(MAX_COMMIT_BYTES / 2))])).toBe('é'.repeat(MAX_COMMIT_BYTES / 2));
    expect(commitOf([str('vcs.ref.head.revision', 'é'.repeat(MAX_COMMIT_BYTES / 2 + 1))])).toBe('');
    expect(commitOf([str('vcs.ref.head.revision', 'x'.repeat(5000)), str('git.commit.sha', 'short')])).toBe('short');
  });

  it('every record of a resource cut above maxRecordBytes carries the commit', () => {
    const req = sampleTraces({ resources: 1, itemsPerResource: 100, extraAttributes: 4 });
    req.resourceSpans[0].resource!.attributes.push(str('git.commit.sha', SHA));
    const out = splitRequest('traces', encodeTraces(req), { maxRecordBytes: 8 * 1024 });
    expect(out.records.length).toBeGreaterThan(1);
    expect(out.items).toBe(100);
    for (const r of out.records) expect(r.commit).toBe(SHA);
  });

  // Hand-made wire bytes for shapes encodeTraces never writes.
  const ld = (field: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([(field << 3) | 2]), varint(payload.length), payload]);
  const text = (field: number, s: string): Buffer => ld(field, Buffer.from(s, 'utf8'));
  const requestOf = (...kvs: Buffer[]): Buffer => ld(1, ld(1, Buffer.concat(kvs.map((kv) => ld(1, kv)))));
  const commitOfWire = (...kvs: Buffer[]): string => splitRequest('traces', requestOf(...kvs)).records[0].commit;
  const INT_5 = Buffer.from([0x18, 0x05]); // AnyValue.int_value = 5

  it('KeyValue fields in any order; AnyValue is a oneof whose last member on the wire wins', () => {
    expect(commitOfWire(Buffer.concat([ld(2, text(1, 'abc')), text(1, 'vcs.ref.head.revision')]))).toBe('abc');
    expect(commitOfWire(Buffer.concat([text(1, 'git.commit.sha'), ld(2, Buffer.concat([text(1, 'abc'), INT_5]))]))).toBe('');
    expect(commitOfWire(Buffer.concat([text(1, 'git.commit.sha'), ld(2, Buffer.concat([INT_5, text(1, 'def')]))]))).toBe('def');
    // A KeyValue with two keys: the last one names it (protobuf: last value of a scalar field wins).
    expect(commitOfWire(Buffer.concat([text(1, 'git.commit.sha'), text(1, 'host.name'), ld(2, text(1, 'abc'))]))).toBe('');
    expect(commitOfWire(Buffer.concat([text(1, 'host.name'), text(1, 'git.commit.sha'), ld(2, text(1, 'abc'))]))).toBe('abc');
  });

  it('matches a reference read of the decoded resource on random attributes (property-based)', () => {
    // Keys include near misses: same length with other bytes, and prefixes of the real keys.
    const keys = [
      'service.name', 'service.namespace', 'service.version', 'deployment.environment.name', 'deployment.environment',
      'vcs.ref.head.revision', 'git.commit.sha', 'service.nama', 'service.versioN', 'git.commit.shA', 'vcs.ref.head.revisioN',
      'service', 'git.commit', 'host.name', '',
    ];
    const value: fc.Arbitrary<AnyValue> = fc.oneof(
      fc.string({ maxLength: 8 }).map((v) => ({ stringValue: v })),
      fc.constantFrom('a'.repeat(MAX_COMMIT_BYTES), 'b'.repeat(MAX_COMMIT_BYTES + 1), 'ü'.repeat(300), '').map((v) => ({ stringValue: v })),
      fc.integer().map((v) => ({ intValue: BigInt(v) })),
      fc.boolean().map((v) => ({ boolValue: v })),
      fc.string({ maxLength: 4 }).map((v) => ({ arrayValue: { values: [{ stringValue: v }] } })),
    );
    const reference = (attrs: KeyValue[]): ServiceIdentity => {
      const id: ServiceIdentity = { serviceName: '', serviceNamespace: '', serviceVersion: '', deploymentEnvironment: '', commit: '' };
      for (const { key, value: v } of attrs) {
        const s = v?.stringValue;
        if (s === undefined) continue;
        if (key === 'service.name') id.serviceName = s;
        if (key === 'service.namespace') id.serviceNamespace = s;
        if (key === 'service.version') id.serviceVersion = s;
        if (key === 'deployment.environment.name') id.deploymentEnvironment = s;
        if (key === 'deployment.environment' && id.deploymentEnvironment === '') id.deploymentEnvironment = s;
        const fits = Buffer.byteLength(s, 'utf8') <= MAX_COMMIT_BYTES;
        if (key === 'vcs.ref.head.revision' && fits) id.commit = s;
        if (key === 'git.commit.sha' && fits && id.commit === '') id.commit = s;
      }
      return id;
    };
    fc.assert(fc.property(fc.array(fc.record({ key: fc.constantFrom(...keys), value }), { maxLength: 12 }), (attrs) => {
      const req = { resourceSpans: [{ resource: { attributes: attrs, droppedAttributesCount: 0, entityRefs: [] }, scopeSpans: [], schemaUrl: '' }] };
      const bytes = encodeTraces(req);
      const got = splitRequest('traces', bytes).records[0];
      const decoded = decodeTraces(bytes).resourceSpans[0].resource!.attributes;
      const want = reference(decoded);
      expect({ ...got, value: undefined, key: undefined, items: undefined }).toEqual({ ...want, value: undefined, key: undefined, items: undefined });
      expect(got.key).toBe(serviceKey(want));
    }), { numRuns: 1500, seed: 21 });
  });
});
