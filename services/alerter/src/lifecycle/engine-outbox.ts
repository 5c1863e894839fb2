// The alert engine's output queues, drained by the pipeline into one transaction: alert records
// (vigil_alerts), rollback records (vigil_rollbacks), change events and rollback requests.
// An alert that changed several times between drains goes out once, as it is at the drain; an
// incident replaced before the drain goes out as it was when replaced (its last word).
import type { AlertRecord, RollbackRecord } from '@vigil/records';
import { toAlertRecord } from './alert-record.js';
import type { AlertState, ChangeIntent, RollbackRequest } from './types.js';

export class EngineOutbox {
  private readonly recordIds = new Set<string>();
  private alertRecords: AlertRecord[] = [];
  private rollbackRecords: RollbackRecord[] = [];
  private changes: ChangeIntent[] = [];
  private rollbackRequests: RollbackRequest[] = [];

  /** The alert's record goes out at the next drain, as the alert is then. */
  markRecord(alert: AlertState): void {
    this.recordIds.add(alert.id);
  }

  /** The alert is gone: nothing of it goes out. */
  forgetRecord(id: string): void {
    this.recordIds.delete(id);
  }

  /** A new incident replaces `alert` under the same id: a pending record of the old one goes out as it is now. */
  closeIncident(alert: AlertState): void {
    if (this.recordIds.delete(alert.id)) this.alertRecords.push(toAlertRecord(alert));
  }

  pushRollbackRecord(r: RollbackRecord): void {
    this.rollbackRecords.push(r);
  }

  pushChange(c: ChangeIntent): void {
    this.changes.push(c);
  }

  pushRollbackRequest(r: RollbackRequest): void {
    this.rollbackRequests.push(r);
  }

  drainAlertRecords(alerts: ReadonlyMap<string, AlertState>): AlertRecord[] {
    const out: AlertRecord[] = [];
    for (const id of this.recordIds) {
      const a = alerts.get(id);
      if (a) out.push(toAlertRecord(a));
    }
    this.recordIds.clear();
    const extra = this.alertRecords;
    this.alertRecords = [];
    return [...extra, ...out];
  }

  drainRollbackRecords(): RollbackRecord[] {
    const out = this.rollbackRecords;
    this.rollbackRecords = [];
    return out;
  }

  drainChanges(): ChangeIntent[] {
    const out = this.changes;
    this.changes = [];
    return out;
  }

  drainRollbackRequests(): RollbackRequest[] {
    const out = this.rollbackRequests;
    this.rollbackRequests = [];
    return out;
  }

  /** Records waiting (alert or rollback); change events and requests do not count. */
  get hasRecords(): boolean {
    return this.recordIds.size > 0 || this.alertRecords.length > 0 || this.rollbackRecords.length > 0;
  }
}
