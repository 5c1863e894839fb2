/**
 * Right-sizing shortfall costs per resource kind: the price of one sample running short, in
 * capacity units of slack (`recommend(..., { capacity, shortCost })` minimises
 * E[slack]/capacity + shortCost * P(short)), and the floor risk that caps the request. They differ
 * because the resources do: running short of CPU throttles a pod, running short of memory kills
 * it (Kubernetes treats memory as incompressible; the VPA too sizes memory from daily peaks).
 * Values: chosen by eval:forecast's cross-validation over folds of VMs, the least-slack cost
 * whose under-provisioned share stays at or below the VPA's (per fold: cpu 2-3, memory 24-32;
 * on all VMs: cpu 3, memory 32). The floor (the highest quantile a request may take, 1 - floor)
 * is 0.0002 (was 0.001: lowered while the spread was measured around the combined forecast,
 * when no cost of the grid kept memory under the VPA's share at 0.001; the costs above were
 * chosen with 0.0002).
 */
export const DEFAULT_RISK = Object.freeze({ cpu: 3, memory: 32, floor: 0.0002 });

/**
 * What right-sizing reads each resource kind's next day from (the forecaster's `sizingBasis`, and
 * for the 'recent' basis its half-life `recentHalfLife` in 5-minute bins), chosen by the same
 * cross-validation as the costs above, together with them: per fold, the (basis, cost) pair with
 * the least slack whose under-provisioned share stays at or below the VPA's. CPU: the recent
 * 5-minute values (a VM's CPU bursts are short and the hour's forecast misplaces them; the
 * distribution of the last day's values places them better); memory: the day-ahead forecast and
 * its spread (memory follows its level, which the forecast tracks). Figures: packages/forecast
 * README, "Measured (session 6)".
 */
export const SIZING = Object.freeze({
  cpu: Object.freeze({ sizingBasis: 'recent', recentHalfLife: 144 } as const),
  memory: Object.freeze({ sizingBasis: 'forecast' } as const),
});
