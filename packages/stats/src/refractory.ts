import { asObject, num, rejectUnknownKeys, requireNumber, internOptions } from './errors.js';

/**
 * Refractory suppression of repeated alarms: after a score reaches `threshold` (an alarm), the
 * next `periodPoints` scores are multiplied by `damping`, so one event pages once. Skyline's
 * alert expiry and CAD OSE's rest after a strong score work the same way; on NAB a burst of ten
 * alarms for one event costs about as much as a missed window (see DETECTION.md).
 * A suppressed score never starts a new refractory period.
 * Cost per update: O(1). Memory: 2 numbers.
 */
export interface RefractoryOptions {
  /** Alarm threshold on the incoming score. Default 0.5. */
  threshold?: number;
  /** Points suppressed after an alarm. Default 100. */
  periodPoints?: number;
  /** Factor applied to scores during the refractory period, in [0, 1]. Default 0. */
  damping?: number;
}

export const REFRACTORY_DEFAULTS: Required<RefractoryOptions> = Object.freeze({ threshold: 0.5, periodPoints: 100, damping: 0 });

export interface RefractoryStep {
  score: number;
  alarm: boolean;
  suppressed: boolean;
}

export class Refractory {
  readonly options: Readonly<Required<RefractoryOptions>>;
  /** Points left in the current refractory period. */
  remaining = 0;
  alarms = 0;

  constructor(options: RefractoryOptions = {}) {
    rejectUnknownKeys(options, Object.keys(REFRACTORY_DEFAULTS), 'Refractory');
    const o = { ...REFRACTORY_DEFAULTS, ...options };
    requireNumber('threshold', o.threshold, 0, 1e300);
    requireNumber('periodPoints', o.periodPoints, 0, 1e9, { integer: true });
    requireNumber('damping', o.damping, 0, 1);
    this.options = internOptions('Refractory', o);
  }

  /** Filters one score. */
  update(score: number): RefractoryStep {
    if (this.remaining > 0) {
      this.remaining--;
      const damped = score * this.options.damping;
      // A damped score stays below the threshold, whatever the damping.
      return { score: damped < this.options.threshold ? damped : this.options.threshold * (1 - 1e-9), alarm: false, suppressed: true };
    }
    if (score >= this.options.threshold) {
      this.remaining = this.options.periodPoints;
      this.alarms++;
      return { score, alarm: true, suppressed: false };
    }
    return { score, alarm: false, suppressed: false };
  }

  toJSON(): { options: Required<RefractoryOptions>; remaining: number; alarms: number } {
    return { options: { ...this.options }, remaining: this.remaining, alarms: this.alarms };
  }

  static fromJSON(json: unknown): Refractory {
    const o = asObject(json, 'Refractory');
    const r = new Refractory(asObject(o.options, 'Refractory.options'));
    r.remaining = num(o, 'remaining', 'Refractory');
    r.alarms = num(o, 'alarms', 'Refractory');
    return r;
  }
}
