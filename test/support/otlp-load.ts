// OTLP/HTTP load with a unique id per request, for "every acknowledged request is in Kafka"
// checks: each request carries one resource (service spread over `services` names, so several
// partitions) whose first span has the attribute `test.request_id` = the request's id.
import { attributesToRecord, decodeTraces, encodeTraces, sampleTraces } from '@vigil/otlp';
import type { KafkaBus } from '@vigil/bus';
import { readTopics } from './kafka-io.js';

export const REQUEST_ID_ATTRIBUTE = 'test.request_id';

/** An ExportTraceServiceRequest (protobuf) of `spans` spans carrying request id `id`. */
export function idRequest(id: number, services = 12, spans = 2): Buffer {
  const req = sampleTraces({ resources: 1, itemsPerResource: spans, seed: id });
  const res = req.resourceSpans[0];
  for (const a of res.resource?.attributes ?? []) {
    if (a.key === 'service.name') a.value = { stringValue: `load-${id % services}` };
  }
  res.scopeSpans[0].spans[0].attributes.push({ key: REQUEST_ID_ATTRIBUTE, value: { intValue: BigInt(id) } });
  return encodeTraces(req);
}

export interface LoadStats {
  /** Ids answered 2xx. */
  acked: Set<number>;
  /** Ids answered with a non-2xx status. */
  refused: Set<number>;
  /** Ids whose request failed without an answer (connection refused/reset, timeout). */
  failed: Set<number>;
  /** Count per HTTP status (0: no answer). */
  statuses: Map<number, number>;
  /** Retry-After values seen on 429/503. */
  retryAfter: Map<string, number>;
}

export interface LoadOptions {
  concurrency: number;
  /** Pause of a client after a non-2xx answer or a failure (ms). Default 50. */
  backoffMs?: number;
  /** Pause after every request (ms). Default 0. */
  pauseMs?: number;
  timeoutMs?: number;
  services?: number;
  /** First request id (default 0); ids count up from it. */
  firstId?: number;
}

/** `concurrency` clients posting id requests to `url` until stop() (ids never repeat). */
export class OtlpLoad {
  readonly stats: LoadStats = { acked: new Set(), refused: new Set(), failed: new Set(), statuses: new Map(), retryAfter: new Map() };
  private next = 0;
  private stopped = false;
  private workers: Promise<void>[] = [];

  constructor(private readonly url: string, private readonly options: LoadOptions) {
    this.next = options.firstId ?? 0;
  }

  /** Requests started so far. */
  get sent(): number {
    return this.next - (this.options.firstId ?? 0);
  }

  start(): this {
    for (let i = 0; i < this.options.concurrency; i++) this.workers.push(this.worker());
    return this;
  }

  async stop(): Promise<LoadStats> {
    this.stopped = true;
    await Promise.all(this.workers);
    return this.stats;
  }

  private async worker(): Promise<void> {
    const s = this.stats;
    while (!this.stopped) {
      const id = this.next++;
      let status = 0;
      try {
        const res = await fetch(this.url, {
          method: 'POST', body: idRequest(id, this.options.services ?? 12), headers: { 'content-type': 'application/x-protobuf' },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
        });
        status = res.status;
        if (status === 429 || status === 503) {
          const ra = res.headers.get('retry-after') ?? '(none)';
          s.retryAfter.set(ra, (s.retryAfter.get(ra) ?? 0) + 1);
        }
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
      if (status >= 200 && status < 300) s.acked.add(id);
      else if (status === 0) s.failed.add(id);
      else s.refused.add(id);
      if (status < 200 || status >= 300) await new Promise((r) => setTimeout(r, this.options.backoffMs ?? 50));
      else if (this.options.pauseMs) await new Promise((r) => setTimeout(r, this.options.pauseMs));
    }
  }
}

/** Request ids found in the committed records of `topic` (and how many records held them). */
export async function idsInTopic(bus: KafkaBus, topic: string): Promise<{ ids: Set<number>; records: number; copies: number }> {
  const ids = new Set<number>();
  let copies = 0;
  const recs = await readTopics(bus, [topic]);
  for (const r of recs) {
    if (!r.value) continue;
    for (const rs of decodeTraces(r.value).resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const id = attributesToRecord(span.attributes)[REQUEST_ID_ATTRIBUTE];
          if (typeof id === 'bigint') {
            copies++;
            ids.add(Number(id));
          }
        }
      }
    }
  }
  return { ids, records: recs.length, copies };
}

/** "200:1234 503:56 0:7" */
export function formatStatuses(statuses: Map<number, number>): string {
  return [...statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${v}`).join(' ');
}
