/**
 * The page's state is (scenario, flipped, history); the run is derived from it
 * by replaying the history on a fresh LabRun. That keeps the screen a pure
 * function of the teacher's actions: reset is "empty history", flipping the
 * rule replays the same steps under the other rule.
 */
import { useCallback, useMemo, useState } from 'react';
import { DEFAULT_SEED, LabRun } from '../run';
import type { Scenario, UserAction, UserId } from '../scenarios/types';
import { useAutoplay, usePlayback } from './usePlayback';

export type HistoryEntry =
  | { type: 'step' }
  | { type: 'end' }
  | { type: 'act'; action: UserAction }
  | { type: 'delay'; user: UserId; delayMs: number };

export { PLAY_INTERVAL_MS } from './usePlayback';

export function replay(scenario: Scenario, flipped: boolean, history: readonly HistoryEntry[]): LabRun {
  const run = new LabRun(scenario, { seed: DEFAULT_SEED, flipped });
  for (const h of history) {
    switch (h.type) {
      case 'step':
        run.step();
        break;
      case 'end':
        run.runToEnd();
        break;
      case 'act':
        run.act(h.action);
        break;
      case 'delay':
        run.setDelay(h.user, h.delayMs);
        break;
    }
  }
  return run;
}

/** The latest time anything in a run happens or is due: the diagram's time axis. */
export function horizonOf(run: LabRun): number {
  let t = run.now;
  for (const side of run.sides()) {
    for (const m of side.sim.messages) t = Math.max(t, Number.isFinite(m.deliverAt) ? m.deliverAt : m.sentAt);
  }
  return t;
}

export function useLabRun(scenario: Scenario) {
  const [flipped, setFlipped] = useState(false);
  const playback = usePlayback<HistoryEntry>();
  const { history, push } = playback;

  const run = useMemo(() => replay(scenario, flipped, history), [scenario, flipped, history]);
  // The axis covers the whole run to come, so arrows do not rescale while stepping.
  const horizon = useMemo(() => {
    const end = replay(scenario, flipped, history);
    end.runToEnd();
    return Math.max(horizonOf(end), 100);
  }, [scenario, flipped, history]);

  const act = useCallback((action: UserAction) => push({ type: 'act', action }), [push]);
  const setDelay = useCallback((user: UserId, delayMs: number) => push({ type: 'delay', user, delayMs }), [push]);
  useAutoplay(playback, run.done);

  const { playing, setPlaying, step, toEnd, reset } = playback;
  return { run, horizon, flipped, setFlipped, playing, setPlaying, step, toEnd, reset, act, setDelay };
}
