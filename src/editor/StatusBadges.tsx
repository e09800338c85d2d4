/** Connection and save status, per the selector contract (README, "Selectors for your own Playwright tests"). */
import type { ReplicaStatus } from '../collab/replica';

const CONNECTION_LABEL = { connecting: 'Connecting…', connected: 'Connected', offline: 'Offline — edits kept here', refused: 'Refused by the relay' } as const;
const SAVE_LABEL = { saving: 'Saving…', saved: 'Saved' } as const;

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
        className={`badge save ${status.save}`}
        data-testid="save-status"
        data-state={status.save}
        title={status.save === 'saved' ? 'The relay has stored every edit of this tab on disk' : 'Waiting for the relay to store your latest edits'}
      >
        {SAVE_LABEL[status.save]}
      </span>
    </div>
  );
}
