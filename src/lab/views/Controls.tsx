/** Step, Run/Pause, End, Reset, the tie-break switch (when the scenario has one) and the clock. */
interface Props {
  done: boolean;
  /**
   * Free mode: the run is never over (anyone may type next), so Step stays
   * enabled (with nothing in flight it lets time pass) and the clock says
   * "nothing in flight" instead of "done".
   */
  interactive?: boolean;
  playing: boolean;
  flipped?: boolean;
  now: number;
  steps: number;
  onStep: () => void;
  onPlay: (playing: boolean) => void;
  onEnd: () => void;
  onReset: () => void;
  onFlip?: (flipped: boolean) => void;
}

export function Controls({ done, interactive = false, playing, flipped, now, steps, onStep, onPlay, onEnd, onReset, onFlip }: Props) {
  return (
    <div className="controls" role="toolbar" aria-label="Simulation controls">
      <button
        data-testid="step"
        onClick={onStep}
        disabled={done && !interactive}
        title={interactive && done ? 'Nothing in flight: let 100 ms pass (Space)' : 'Deliver what is due next (Space)'}
      >
        Step <kbd>Space</kbd>
      </button>
      <button data-testid="run" onClick={() => onPlay(!playing)} disabled={done && !playing} aria-pressed={playing}>
        {playing ? 'Pause' : 'Run'}
      </button>
      <button onClick={onEnd} disabled={done} title="Jump to the end">
        End
      </button>
      <button data-testid="reset" onClick={onReset} title="Back to the start (R)">
        Reset <kbd>R</kbd>
      </button>
      {onFlip && (
        <label className="switch">
          <input type="checkbox" role="switch" data-testid="flip" checked={flipped} onChange={(e) => onFlip(e.target.checked)} />
          Flip tie rule
        </label>
      )}
      <span className="clock" data-testid="clock" aria-live="off">
        t = {now} ms · step {steps}
        {done ? (interactive ? ' · nothing in flight' : ' · done') : ''}
      </span>
    </div>
  );
}
