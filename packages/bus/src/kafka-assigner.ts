// The Kafka bus's partition assignment: co-partitioned, as Kafka Streams assigns the tasks of
// co-partitioned topics. Partition p of every topic a group reads goes to the same member (the
// (p mod n)-th of the members subscribed to the topic, by member id), so two topics keyed alike
// with the same partition count — a service's spans and its metrics — meet in one member, and
// a processor that hands one topic's records to the other's state (the detector's routes of
// verdicts and saturation samples) finds it there. kafkajs' round-robin assigner deals the
// topic-partitions out in one sequence, which puts partition p of the second topic on another
// member whenever the first topic's count is not a multiple of the members.
import { AssignerProtocol, type Assigner, type GroupMember, type GroupMemberAssignment, type PartitionAssigner } from 'kafkajs';
import { copartitionedPlan } from './assignment.js';

export const COPARTITIONED_ASSIGNER_NAME = 'VigilCopartitioned';

/** The kafkajs PartitionAssigner of copartitionedPlan (listed before round-robin, so a group mid-upgrade keeps working). */
export const copartitionedAssigner: PartitionAssigner = ({ cluster }) => {
  const assigner: Assigner = {
    name: COPARTITIONED_ASSIGNER_NAME,
    version: 0,
    async assign({ members, topics }: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]> {
      const subscribed = members.map((m) => {
        const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
        // A member whose metadata cannot be read is taken to read every topic of the group.
        return { memberId: m.memberId, topics: meta?.topics?.length ? meta.topics.filter((t) => topics.includes(t)) : topics };
      });
      const plan = copartitionedPlan(subscribed, (topic) => cluster.findTopicPartitionMetadata(topic).map((pm) => pm.partitionId));
      return [...plan].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: assigner.version, assignment, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }: { topics: string[] }) {
      return { name: assigner.name, metadata: AssignerProtocol.MemberMetadata.encode({ version: assigner.version, topics, userData: Buffer.alloc(0) }) };
    },
  };
  return assigner;
};
