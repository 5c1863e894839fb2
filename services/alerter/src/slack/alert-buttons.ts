// The action buttons of an alert (answers and notifications alike). Each button's value is the
// alert id; the action_id names the action. Acknowledge, "not an anomaly" and roll back carry a
// Block Kit confirm dialog; silence and resolution open a modal (the modal is the dialog).
import type { AlertState } from '../lifecycle/types.js';
import { actions, button } from './blocks.js';
import type { Block } from './blocks.js';

export const ACTION = {
  ack: 'vigil_ack',
  silence: 'vigil_silence',
  notAnomaly: 'vigil_not_anomaly',
  similar: 'vigil_similar',
  resolution: 'vigil_resolution',
  rollback: 'vigil_rollback',
} as const;

export function alertButtons(a: Pick<AlertState, 'id' | 'service' | 'kind' | 'deployment' | 'evidence' | 'status'>): Block {
  const els: Block[] = [];
  if (a.status !== 'resolved') {
    els.push(button('Acknowledge', ACTION.ack, a.id, { style: 'primary', confirm: { title: 'Acknowledge this alert?', text: `You take ${a.service}'s alert: no more reminders for this incident.`, confirm: 'Acknowledge' } }));
    els.push(button('Silence…', ACTION.silence, a.id));
  }
  if (a.kind === 'symptom' && a.evidence) {
    els.push(button('Not an anomaly', ACTION.notAnomaly, a.id, { confirm: { title: 'Mark as not an anomaly?', text: `Feedback on ${a.evidence.seriesKey}: the same pattern will need a clearly higher score to alert again (fades over a week).`, confirm: 'Not an anomaly' } }));
  }
  els.push(button('Similar incidents', ACTION.similar, a.id));
  els.push(button('Record resolution…', ACTION.resolution, a.id));
  if (a.deployment && a.status !== 'resolved') {
    els.push(button(`Roll back ${a.deployment.version}`, ACTION.rollback, a.id, {
      style: 'danger',
      confirm: { title: 'Roll back now?', text: `Runs the rollback hook for ${a.service} ${a.deployment.version} (${a.deployment.id}), once per deployment, within the rate and age limits.`, confirm: 'Roll back', danger: true },
    }));
  }
  return actions(els, `alert:${a.id}`);
}
