/**
 * Runs `fn` at most once per animation frame however often `schedule` is
 * called: for work driven by events that come in bursts (presence, remote
 * edits) and only matter once per paint. Hidden tabs get no animation frames,
 * so a timer runs it too, at most 200 ms later, keeping their state current.
 */
export function frameBatch(fn: () => void): { schedule(): void; cancel(): void } {
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    cancel();
    fn();
  };
  const cancel = () => {
    if (frame) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = 0;
    timer = null;
  };
  return {
    schedule() {
      if (frame || timer !== null) return;
      frame = requestAnimationFrame(run);
      timer = setTimeout(run, 200);
    },
    cancel,
  };
}
