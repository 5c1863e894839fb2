// The join of deployments with the CI quality of their commit, in the spans partition that
// verifies them. A deployment reaches the detector in band on the spans topic (the collector's
// DEPLOYMENT_MARKER records), in order with the spans of its service; its commit's quality comes
// from the CiQualityTable (vigil_ci_quality). The join:
//   - at the marker: the table's quality of the commit (if any) is put on the deployment before
//     the verifier sees it, so the check runs under the strict policy from its start;
//   - when the table learns a newer quality of a commit this partition deployed (CI finished
//     after the announcement): the verifier is told then, and a running check turns strict from
//     that point on (ServiceVerifier.announce), as the collector's follow-up did before;
//   - after a restore: every remembered deployment whose quality changed since the snapshot is
//     joined again (the table is re-read from its compacted topic at start).
// Each time a deployment gets a quality it did not carry, it is also re-published on the
// deployments topic with `ci` (same id, so consumers keep the latest record): the alerter, the
// store and the deployments API show the commit's CI beside the verdict.
// State (checkpointed with the spans state, in the same transaction as the outputs): the
// deployments with a commit, and the quality last joined to each.
import type { OutRecord } from '@vigil/bus';
import type { FeedbackModel } from '@vigil/incidents';
import { decodeRecord, DEPLOYMENT_MARKER, isDeploymentMarker, RECORD_KIND_HEADER } from '@vigil/records';
import type { DeploymentCiQuality, DeploymentRecord } from '@vigil/records';
import type { SaturationSample } from '../verification/saturation.js';
import type { PartitionProcessor } from '../processors/processors.js';
import type { CiQualityTable } from './ci-quality-table.js';
import type { StageProcessor } from './stage-processor.js';

/** Deployments with a commit remembered per spans partition (the oldest announced are forgotten). */
export const MAX_JOINED_DEPLOYMENTS = 1_000;

export interface CiJoinState {
  /** [deployment record as announced (without a joined `ci`), signature of the quality joined or ''] */
  deployments: Array<[DeploymentRecord, string]>;
}

export interface JoinedSpansState {
  kind: 'spans+ci';
  spans: unknown;
  ci: CiJoinState;
}

const MARKER_HEADERS = (id: string): Record<string, string> => ({ 'vigil-deployment-id': id, [RECORD_KIND_HEADER]: DEPLOYMENT_MARKER });
const signature = (q: DeploymentCiQuality): string => JSON.stringify(q);

export class CiQualityJoin implements StageProcessor {
  readonly kind = 'spans' as const;
  /** deployment id → [announced record, signature of the joined quality ('' none)]; Map order = announcement order. */
  private readonly deployments = new Map<string, [DeploymentRecord, string]>();

  constructor(
    private readonly inner: PartitionProcessor,
    private readonly table: CiQualityTable,
    private readonly deploymentsTopic: string,
    state?: CiJoinState,
  ) {
    for (const [d, sig] of state?.deployments ?? []) this.deployments.set(d.id, [d, sig]);
  }

  get seriesCount(): number {
    return this.inner.seriesCount;
  }

  useFeedback(model: FeedbackModel | null): void {
    this.inner.useFeedback(model);
  }

  advanceIdle(idleMs: number): OutRecord[] | null {
    return this.inner.advanceIdle ? this.inner.advanceIdle(idleMs) : null;
  }

  observeSaturation(sample: SaturationSample): OutRecord[] | null {
    return this.inner.observeSaturation ? this.inner.observeSaturation(sample) : null;
  }

  process(value: Uint8Array, headers?: Readonly<Record<string, string>>): OutRecord[] {
    if (!isDeploymentMarker(headers)) return this.inner.process(value, headers);
    const d = decodeRecord(Buffer.from(value.buffer, value.byteOffset, value.byteLength), 'vigil.deployment/1');
    if (typeof d.commit !== 'string' || d.commit === '') return this.inner.process(value, headers);
    // A marker that carries its own CI quality (written by an older collector) is used as is.
    if (d.ci) return this.inner.process(value, headers);
    this.remember(d);
    const q = this.table.quality(d.commit);
    if (q === null) return this.inner.process(value, headers);
    return this.joined(d, q);
  }

  /** The table learnt a quality of `revision`: join it to this partition's deployments of that commit. Null: nothing changed. */
  ciQualityArrived(revision: string): OutRecord[] | null {
    let outs: OutRecord[] | null = null;
    for (const [d, sig] of this.deployments.values()) {
      if (d.commit !== revision) continue;
      const q = this.table.quality(revision);
      if (q === null || signature(q) === sig) continue;
      outs ??= [];
      for (const o of this.joined(d, q)) outs.push(o);
    }
    return outs;
  }

  /** After a restore: join every remembered deployment whose quality changed meanwhile. */
  rejoin(): OutRecord[] | null {
    let outs: OutRecord[] | null = null;
    const commits = new Set([...this.deployments.values()].map(([d]) => d.commit as string));
    for (const c of commits) {
      const o = this.ciQualityArrived(c);
      if (o) (outs ??= []).push(...o);
    }
    return outs;
  }

  private remember(d: DeploymentRecord): void {
    const prev = this.deployments.get(d.id);
    this.deployments.delete(d.id);
    // A repeated announcement of the same deployment keeps what was joined to it.
    this.deployments.set(d.id, [d, prev?.[1] ?? '']);
    while (this.deployments.size > MAX_JOINED_DEPLOYMENTS) this.deployments.delete(this.deployments.keys().next().value as string);
  }

  /** The deployment with `q`: to the verifier (as an in-band marker) and re-published on the deployments topic. */
  private joined(d: DeploymentRecord, q: DeploymentCiQuality): OutRecord[] {
    const entry = this.deployments.get(d.id);
    if (entry) entry[1] = signature(q);
    const value = Buffer.from(JSON.stringify({ ...d, ci: q }));
    const outs = this.inner.process(value, MARKER_HEADERS(d.id));
    outs.push({ topic: this.deploymentsTopic, key: d.service, value, headers: { 'vigil-deployment-id': d.id } });
    return outs;
  }

  toJSON(): JoinedSpansState {
    return { kind: 'spans+ci', spans: this.inner.toJSON(), ci: { deployments: [...this.deployments.values()] } };
  }
}
