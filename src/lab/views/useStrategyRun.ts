/**
 * The state of a strategy scenario's page is (params, history); the run is
 * replayed from it, as useLabRun does for OT vs CRDT. Changing a parameter
 * replays the same steps under the new setting, so a teacher can move the
 * skew slider at the end of a run and see the other outcome at once.
 */
import { useCallback, useMemo, useState } from 'react';
import { replayStrategy, type HistoryEntry, type Params, type StrategyRun, type StrategyScenario } from '../strategies/model';
import { useAutoplay, usePlayback } from './usePlayback';

/** The latest time anything in a run happens or is due: the diagrams' time axis. */
export function strategyHorizon(run: StrategyRun): number {
  let t = run.now;
  for (const p of run.model.panes) for (const m of p.sim.messages) t = Math.max(t, Number.isFinite(m.deliverAt) ? m.deliverAt : m.sentAt);
  return t;
}

export function useStrategyRun(scenario: StrategyScenario) {
  const [params, setParams] = useState<Params>(scenario.defaults);
  const playback = usePlayback<HistoryEntry>();
  const { history, push } = playback;

  const run = useMemo(() => replayStrategy(scenario, params, history), [scenario, params, history]);
  const horizon = useMemo(() => {
    const end = replayStrategy(scenario, params, history);
    end.runToEnd();
    return Math.max(strategyHorizon(end), 100);
  }, [scenario, params, history]);

  const act = useCallback((id: string) => push({ type: 'act', id }), [push]);
  const setParam = useCallback((key: string, value: number | string) => setParams((p) => ({ ...p, [key]: value })), []);
  useAutoplay(playback, run.done);

  const { playing, setPlaying, step, toEnd, reset } = playback;
  return { run, horizon, params, setParam, playing, setPlaying, step, toEnd, reset, act };
}
