/**
 * The teacher's controls as a history of actions, shared by every lab page:
 * step, run to the end, reset, and autoplay (one step every PLAY_INTERVAL_MS
 * until the run is done). Pages derive their run by replaying `history`, so the
 * screen stays a pure function of what the teacher did.
 */
import { useCallback, useEffect, useState } from 'react';

export const PLAY_INTERVAL_MS = 450;

/** Every page's history type includes these two entries beside its own actions. */
const STEP = { type: 'step' } as const;
const END = { type: 'end' } as const;

export function usePlayback<Entry extends { type: string }>() {
  const [history, setHistory] = useState<Entry[]>([]);
  const [playing, setPlaying] = useState(false);

  const push = useCallback((entry: Entry) => setHistory((prev) => [...prev, entry]), []);
  const step = useCallback(() => {
    setPlaying(false);
    push(STEP as unknown as Entry);
  }, [push]);
  const toEnd = useCallback(() => {
    setPlaying(false);
    push(END as unknown as Entry);
  }, [push]);
  const reset = useCallback(() => {
    setPlaying(false);
    setHistory([]);
  }, []);

  return { history, push, playing, setPlaying, step, toEnd, reset };
}

/** While `playing`, steps every PLAY_INTERVAL_MS; stops by itself when the run is `done`. */
export function useAutoplay<Entry extends { type: string }>(
  { playing, setPlaying, push, history }: ReturnType<typeof usePlayback<Entry>>,
  done: boolean,
): void {
  useEffect(() => {
    if (!playing) return;
    if (done) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => push(STEP as unknown as Entry), PLAY_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [playing, done, history, push, setPlaying]);
}
