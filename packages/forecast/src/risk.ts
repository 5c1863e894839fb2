/**
 * Right-sizing risk targets: the accepted expected share of samples above the request, per
 * resource kind. They differ because the resources do: running short of CPU throttles a pod,
 * running short of memory kills it (Kubernetes treats memory as incompressible), which is why the
 * VPA also sizes memory from daily peaks and CPU from a percentile. Values: the largest risk of
 * the cross-validation grid whose under-provisioned share stays at or below the VPA's on the
 * development VMs (eval:forecast prints the choice per fold and on all VMs).
 */
export const DEFAULT_RISK = Object.freeze({ cpu: 3, memory: 32, floor: 0.001 });
