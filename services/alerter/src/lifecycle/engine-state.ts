// The alert engine's state and its checkpointing: five keyed collections (alerts, silences,
// deployments, verdicts, rollbacks), each entry one key `<kind>:<id>` of the compacted state
// topic. Changed keys are remembered until drained (value null = delete the key), so the
// pipeline writes exactly the entries that changed, in the transaction that changed them.
import type { AlertState, DeploymentState, RollbackState, SilenceState, StateValue, VerdictState } from './types.js';

export type StateKind = 'alert' | 'silence' | 'deployment' | 'verdict' | 'rollback';

export class EngineState {
  readonly alerts = new Map<string, AlertState>();
  readonly silences = new Map<string, SilenceState>();
  readonly deployments = new Map<string, DeploymentState>();
  readonly verdicts = new Map<string, VerdictState>();
  readonly rollbacks = new Map<string, RollbackState>();
  private readonly dirty = new Set<string>();

  private map(kind: string): Map<string, StateValue> | undefined {
    switch (kind) {
      case 'alert': return this.alerts;
      case 'silence': return this.silences;
      case 'deployment': return this.deployments;
      case 'verdict': return this.verdicts;
      case 'rollback': return this.rollbacks;
      default: return undefined;
    }
  }

  /** The entry changed (or was deleted): it goes out at the next drain. */
  mark(kind: StateKind, id: string): void {
    this.dirty.add(`${kind}:${id}`);
  }

  /** Load one entry of the state topic (key → value; null = deleted). Unknown kinds are ignored. */
  restore(key: string, value: StateValue | null): void {
    const [kind, ...rest] = key.split(':');
    const id = rest.join(':');
    const map = this.map(kind);
    if (!map) return;
    if (value === null) map.delete(id);
    else map.set(id, value);
  }

  /** Every entry as [key, value]. */
  snapshot(): Array<[string, StateValue]> {
    const out: Array<[string, StateValue]> = [];
    for (const [id, v] of this.alerts) out.push([`alert:${id}`, v]);
    for (const [id, v] of this.silences) out.push([`silence:${id}`, v]);
    for (const [id, v] of this.deployments) out.push([`deployment:${id}`, v]);
    for (const [id, v] of this.verdicts) out.push([`verdict:${id}`, v]);
    for (const [id, v] of this.rollbacks) out.push([`rollback:${id}`, v]);
    return out;
  }

  /** Changed entries since the last drain, copied (value null = delete the key). */
  drain(): Array<{ key: string; value: StateValue | null }> {
    const out: Array<{ key: string; value: StateValue | null }> = [];
    for (const key of this.dirty) {
      const [kind, ...rest] = key.split(':');
      const value = this.map(kind)?.get(rest.join(':'));
      out.push({ key, value: value ? structuredClone(value) : null });
    }
    this.dirty.clear();
    return out;
  }

  get changed(): boolean {
    return this.dirty.size > 0;
  }
}
