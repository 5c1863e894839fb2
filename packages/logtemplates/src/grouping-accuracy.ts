// Grouping accuracy (Zhu et al., "Tools and Benchmarks for Automated Log Parsing", ICSE-SEIP 2019):
// a line is correct when the predicted group that holds it contains exactly the lines of its true
// event, no more and no fewer. GA = correct lines / lines. Lines whose true event is empty are
// ignored; a line without a prediction is a group of its own.

export function groupingAccuracy(truth: ReadonlyMap<string, string>, predicted: ReadonlyMap<string, string>): number {
  const ids = [...truth.keys()].filter((k) => truth.get(k) !== '');
  if (ids.length === 0) return 0;
  const trueSize = new Map<string, number>();
  for (const k of ids) {
    const e = truth.get(k) as string;
    trueSize.set(e, (trueSize.get(e) ?? 0) + 1);
  }
  const groups = new Map<string, string[]>();
  for (const k of ids) {
    const p = predicted.get(k) ?? `\u0000missing:${k}`;
    const g = groups.get(p);
    if (g === undefined) groups.set(p, [k]);
    else g.push(k);
  }
  let correct = 0;
  for (const lines of groups.values()) {
    const e = truth.get(lines[0]) as string;
    if (lines.length !== trueSize.get(e)) continue;
    if (lines.every((k) => truth.get(k) === e)) correct += lines.length;
  }
  return correct / ids.length;
}
