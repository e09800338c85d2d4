/**
 * Free mode: a text box per user (it shows that user's Yjs replica), the
 * delay to the server, and an offline switch. Each change becomes insert and
 * delete actions applied now on both sides.
 */
import { useState } from 'react';
import type { LabRun } from '../run';
import type { Participant, UserAction, UserId } from '../scenarios/types';

interface Props {
  run: LabRun;
  participants: Participant[];
  onAct: (a: UserAction) => void;
  onDelay: (user: UserId, ms: number) => void;
}

/** The smallest delete + insert that turns `before` into `after` (common prefix and suffix kept). */
export function diffActions(user: UserId, before: string, after: string): UserAction[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  const actions: UserAction[] = [];
  if (endB > start) actions.push({ kind: 'delete', user, pos: start, len: endB - start });
  if (endA > start) actions.push({ kind: 'insert', user, pos: start, text: after.slice(start, endA) });
  return actions;
}

export function FreeMode({ run, participants, onAct, onDelay }: Props) {
  const texts = run.crdt.texts();
  const [delays, setDelays] = useState(() => new Map(participants.map((p) => [p.id, p.delayMs])));
  return (
    <section className="free" aria-label="Free mode: users">
      {participants.map((p) => {
        const online = run.crdt.sim.isOnline(p.id);
        return (
          <div key={p.id} className="free-user" style={{ borderColor: p.color }}>
            <label className="free-name" style={{ color: p.color }} htmlFor={`free-${p.id}`}>
              {p.name}
            </label>
            <input
              id={`free-${p.id}`}
              data-testid={`free-input-${p.id}`}
              value={texts.get(p.id) ?? ''}
              onChange={(e) => diffActions(p.id, texts.get(p.id) ?? '', e.target.value).forEach(onAct)}
            />
            <label className="free-delay">
              delay{' '}
              <input
                type="number"
                min={1}
                max={5000}
                step={10}
                value={delays.get(p.id)}
                onChange={(e) => {
                  const ms = Math.max(1, Math.min(5000, Number(e.target.value) || 1));
                  setDelays(new Map(delays).set(p.id, ms));
                  onDelay(p.id, ms);
                }}
              />{' '}
              ms
            </label>
            <button onClick={() => onAct({ kind: online ? 'offline' : 'online', user: p.id })} aria-pressed={!online}>
              {online ? 'Go offline' : 'Go online'}
            </button>
          </div>
        );
      })}
    </section>
  );
}
