/** Connection and save status, per the selector contract (README, "Selectors for your own Playwright tests"). */
import type { ReplicaStatus } from '../collab/replica';

const CONNECTION_LABEL = { connecting: 'Connecting…', connected: 'Connected', offline: 'Offline — edits kept here', refused: 'Refused by the relay' } as const;
const SAVE_LABEL = { saving: 'Saving…', saved: 'Saved' } as const;

/**
 * What the save badge says: while the tab cannot reach the relay, not "Saving…" but how many edits wait for it;
 * with REPLICATION_ACKS above 1, edits on disk on fewer relays than that are "saved on <relay> only", never "Saved".
 */
export function saveLabel(status: Pick<ReplicaStatus, 'connection' | 'save' | 'pending'> & Partial<Pick<ReplicaStatus, 'copies'>>): string {
  const cutOff = status.connection === 'offline' || status.connection === 'refused';
  if (!cutOff && status.copies?.fewerThanRequired) return `Saved on ${status.copies.relays.join(' + ')} only`;
  if (!cutOff || status.pending === 0) return SAVE_LABEL[status.save];
  return `Offline · ${status.pending} unsaved edit${status.pending === 1 ? '' : 's'}`;
}

/** `data-state`: saving, saved, or fewer-copies (committed, but on fewer relays than REPLICATION_ACKS). */
function saveState(status: ReplicaStatus): string {
  const cutOff = status.connection === 'offline' || status.connection === 'refused';
  return !cutOff && status.copies.fewerThanRequired ? 'fewer-copies' : status.save;
}

export function StatusBadges({ status }: { status: ReplicaStatus }) {
  return (
    <div className="status-badges" role="status" aria-live="polite">
      <span
        className={`badge connection ${status.connection}`}
        data-testid="connection-status"
        data-state={status.connection}
        title={status.refusal?.reason}
      >
        {CONNECTION_LABEL[status.connection]}
      </span>
      <span
        className={`badge save ${saveState(status)}`}
        data-testid="save-status"
        data-state={saveState(status)}
        data-unsaved={status.pending}
        data-relays={status.copies.relays.join(',') || undefined}
        title={
          saveState(status) === 'fewer-copies'
            ? `On disk on ${status.copies.relays.join(' and ')} only: the relay counts an edit as saved once ${status.copies.required} relays hold it`
            : status.save === 'saved'
            ? 'The relay has stored every edit of this tab on disk'
            : status.connection === 'offline' || status.connection === 'refused'
              ? 'Kept in this browser; sent to the relay when this tab is back online'
              : 'Waiting for the relay to store your latest edits'
        }
      >
        {saveLabel(status)}
      </span>
    </div>
  );
}
