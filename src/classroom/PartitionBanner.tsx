/** On a student's page while the class is partitioned: which datacenter this tab is in, and what that means. */
import { otherGroup, type ClassroomNotice } from '../protocol/classroom';
import './classroom.css';

export function PartitionBanner({ notice }: { notice: ClassroomNotice | null }) {
  if (!notice?.partitioned || !notice.group) return null;
  const group = notice.group;
  return (
    <div className={`partition-banner group-${group.toLowerCase()}`} data-testid="partition-banner" data-group={group} role="status">
      <strong>Partition: you are in datacenter {group}.</strong>{' '}
      <span>
        Your edits go to datacenter {group}'s leader and only the students in datacenter {group} see them; the students in
        datacenter {otherGroup(group)} cannot see you, and you cannot see them, until the teacher heals the partition. Keep
        writing: both leaders accept writes, and healing merges them.
      </span>
    </div>
  );
}
