/**
 * The classroom's network controls for this tab: the offline switch (with the
 * count of edits the relay does not have yet), an injected one-way delay, and
 * per edit the local-apply time next to the time until the relay's `saved`.
 */
import { useEffect, useState } from 'react';
import { MAX_DELAY_MS, type Replica, type ReplicaStatus } from '../collab/replica';

function formatMs(ms: number | null): string {
  if (ms === null) return '…';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function NetworkControls({ replica, status }: { replica: Replica; status: ReplicaStatus }) {
  const now = useNow(status.reconnectAt !== null);
  const latest = replica.timings().at(-1);
  return (
    <div className="network-controls">
      <button
        type="button"
        className={`offline-toggle ${status.switchedOff ? 'on' : ''}`}
        data-testid="offline-toggle"
        aria-pressed={status.switchedOff}
        title="Cut this tab off from the relay and from other tabs, and keep editing"
        onClick={() => replica.setSwitchedOff(!status.switchedOff)}
      >
        {status.switchedOff ? 'Go online' : 'Go offline'}
      </button>
      {status.pending > 0 && (
        <span className="pending-badge" data-testid="pending-count" data-count={status.pending} title="Local edits the relay has not stored yet">
          {status.pending} not on the relay yet
        </span>
      )}
      {status.reconnectAt !== null && !status.switchedOff && (
        <span className="reconnect" data-testid="reconnect-countdown">
          relay unreachable · retrying in {Math.max(0, Math.ceil((status.reconnectAt - now) / 1000))} s
        </span>
      )}
      <label className="delay-control">
        <span>Delay</span>
        <input
          type="range"
          min={0}
          max={MAX_DELAY_MS}
          step={50}
          value={status.delayMs}
          data-testid="delay"
          aria-label="Injected one-way network delay in milliseconds"
          onChange={(event) => replica.setDelay(Number(event.target.value))}
        />
        <output data-testid="delay-value">{status.delayMs} ms</output>
      </label>
      {latest && (
        <span className="edit-timing" data-testid="edit-timing" title="Your last edit: applied locally, then stored by the relay">
          last edit: local <strong data-testid="local-apply-ms">{formatMs(latest.localApplyMs)}</strong> · saved{' '}
          <strong data-testid="saved-ms">{formatMs(latest.savedMs)}</strong>
        </span>
      )}
    </div>
  );
}
