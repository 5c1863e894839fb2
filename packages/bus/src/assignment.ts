// The group assignment rule both buses follow (kafka-assigner.ts explains why co-partitioned).

/**
 * The plan for a group: members (id and subscribed topics) and each topic's partition ids. Pure,
 * so the memory bus and tests use the same rule. Members are ordered by id; a topic's partition p
 * goes to the (p mod n)-th member subscribed to it.
 */
export function copartitionedPlan(members: Array<{ memberId: string; topics: string[] }>, partitionsOf: (topic: string) => number[]): Map<string, Record<string, number[]>> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const plan = new Map<string, Record<string, number[]>>(sorted.map((m) => [m.memberId, {}]));
  const topics = [...new Set(sorted.flatMap((m) => m.topics))].sort();
  for (const topic of topics) {
    const subscribers = sorted.filter((m) => m.topics.includes(topic));
    for (const p of [...partitionsOf(topic)].sort((a, b) => a - b)) {
      const owner = plan.get(subscribers[p % subscribers.length].memberId)!;
      (owner[topic] ??= []).push(p);
    }
  }
  return plan;
}
