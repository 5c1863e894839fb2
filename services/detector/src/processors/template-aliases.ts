// Stable template ids for what the detector publishes. The miner names a template by the hash of
// its text, so when templates generalise (`user alice` + `user bob` + ... → `user <*>`) the
// surviving template has a new id. Published as is, a merge would look like a new template
// downstream (a new series, a new row) and the old id would go quiet. The detector keeps
// publishing the oldest id of the family instead: the merged template's id is aliased to it.

import type { TemplateMergeEvent } from '@vigil/logtemplates';

/**
 * Aliases kept per logs processor (least recently used evicted). An entry is two 16-hex ids
 * (about 150 bytes with the map overhead), so the cap bounds the memory to a few MB; an evicted
 * alias only means a long-merged template is published under its own id again.
 */
export const MAX_TEMPLATE_ALIASES = 20_000;

/** Ids are hashes of template text, so the same id can live in two services: keys carry the service. */
const keyOf = (service: string, id: string): string => `${service}\u0000${id}`;

export class TemplateIdAliases {
  /** service + miner id → published (stable) id, only where they differ. */
  private readonly map: Map<string, string>;

  constructor(entries: ReadonlyArray<readonly [string, string]> = [], private readonly max = MAX_TEMPLATE_ALIASES) {
    this.map = new Map(entries.slice(-max).map(([a, b]) => [a, b] as [string, string]));
  }

  get size(): number {
    return this.map.size;
  }

  /** The id to publish for a miner template id of `service`. */
  publish(service: string, id: string): string {
    const k = keyOf(service, id);
    const p = this.map.get(k);
    if (p === undefined) return id;
    // Refresh its place in the LRU order.
    this.map.delete(k);
    this.map.set(k, p);
    return p;
  }

  /** True when `id` is known as another template's alias in `service` (it was merged, not new). */
  isAlias(service: string, id: string): boolean {
    return this.map.has(keyOf(service, id));
  }

  /** Record a merge: the surviving template keeps the oldest published id of what it absorbed. */
  merge(m: TemplateMergeEvent): void {
    if (m.mergedIds.length === 0) return;
    const stable = m.created ? this.publish(m.service, m.mergedIds[0]) : this.publish(m.service, m.templateId);
    this.set(m.service, m.templateId, stable);
    for (const id of m.mergedIds) this.set(m.service, id, stable);
  }

  private set(service: string, id: string, published: string): void {
    const k = keyOf(service, id);
    this.map.delete(k);
    if (id === published) return;
    this.map.set(k, published);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  toJSON(): Array<[string, string]> {
    return [...this.map];
  }
}
