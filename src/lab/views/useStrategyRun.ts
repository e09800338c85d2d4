/**
 * The state of a strategy scenario's page is (params, history); the run is
 * replayed from it, as useLabRun does for OT vs CRDT. Changing a parameter
 * replays the same steps under the new setting, so a teacher can move the
 * skew slider at the end of a run and see the other outcome at once.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { replayStrategy, type HistoryEntry, type Params, type StrategyRun, type StrategyScenario } from '../strategies/model';
import { PLAY_INTERVAL_MS } from './useLabRun';

/** The latest time anything in a run happens or is due: the diagrams' time axis. */
export function strategyHorizon(run: StrategyRun): number {
  let t = run.now;
  for (const p of run.model.panes) for (const m of p.sim.messages) t = Math.max(t, Number.isFinite(m.deliverAt) ? m.deliverAt : m.sentAt);
  return t;
}

export function useStrategyRun(scenario: StrategyScenario) {
  const [params, setParams] = useState<Params>(scenario.defaults);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [playing, setPlaying] = useState(false);

  const run = useMemo(() => replayStrategy(scenario, params, history), [scenario, params, history]);
  const horizon = useMemo(() => {
    const end = replayStrategy(scenario, params, history);
    end.runToEnd();
    return Math.max(strategyHorizon(end), 100);
  }, [scenario, params, history]);

  const push = useCallback((h: HistoryEntry) => setHistory((prev) => [...prev, h]), []);
  const step = useCallback(() => {
    setPlaying(false);
    push({ type: 'step' });
  }, [push]);
  const toEnd = useCallback(() => {
    setPlaying(false);
    push({ type: 'end' });
  }, [push]);
  const reset = useCallback(() => {
    setPlaying(false);
    setHistory([]);
  }, []);
  const act = useCallback((id: string) => push({ type: 'act', id }), [push]);
  const setParam = useCallback((key: string, value: number | string) => setParams((p) => ({ ...p, [key]: value })), []);

  const done = run.done;
  useEffect(() => {
    if (!playing) return;
    if (done) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => push({ type: 'step' }), PLAY_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [playing, done, history, push]);

  return { run, horizon, params, setParam, playing, setPlaying, step, toEnd, reset, act };
}
