/**
 * One run of the lab: the same scenario on both sides, on two simulators that
 * share delays, seed and script and advance on one clock. A step processes
 * everything due at the next moment on both sides, so the two diagrams stay
 * aligned in time.
 */
import { CrdtSide } from './crdt/crdtSide';
import { OtSide } from './ot/otSide';
import type { Scenario, UserAction, UserId } from './scenarios/types';
import type { LabSide } from './side';

export interface RunOptions {
  seed: number;
  /** Flip the tie-break rule on both sides. */
  flipped: boolean;
}

export type Outcome =
  | { state: 'running' }
  /** Nothing is due, but messages wait on a cut link (someone is offline). */
  | { state: 'waiting' }
  | { state: 'done'; text: string }
  | { state: 'diverged'; texts: string[] };

export const DEFAULT_SEED = 1;

/** Free mode: a Step with nothing in flight lets this much time pass, so the next keystrokes happen later. */
export const IDLE_STEP_MS = 100;

export class LabRun {
  readonly ot: OtSide;
  readonly crdt: CrdtSide;
  now = 0;
  steps = 0;

  constructor(readonly scenario: Scenario, readonly options: RunOptions = { seed: DEFAULT_SEED, flipped: false }) {
    this.ot = new OtSide(scenario, options);
    this.crdt = new CrdtSide(scenario, options);
    for (const { at, action } of scenario.script) {
      for (const side of this.sides()) side.sim.schedule(at, action.user, action);
    }
  }

  sides(): [OtSide, CrdtSide] {
    return [this.ot, this.crdt];
  }

  nextTime(): number | undefined {
    const times = this.sides()
      .map((s) => s.sim.nextTime())
      .filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }

  get done(): boolean {
    return this.nextTime() === undefined;
  }

  /**
   * Processes everything due at the next moment, on both sides. Returns false
   * when done. In an interactive scenario (free mode) there is always a next
   * moment: with nothing in flight, a step lets IDLE_STEP_MS pass.
   */
  step(): boolean {
    const t = this.nextTime();
    if (t === undefined) {
      if (!this.scenario.interactive) return false;
      this.now += IDLE_STEP_MS;
      for (const side of this.sides()) side.sim.advanceTo(this.now);
      this.steps++;
      return true;
    }
    for (const side of this.sides()) {
      while (side.sim.nextTime() === t) side.sim.step();
      side.sim.advanceTo(t);
    }
    this.now = t;
    this.steps++;
    return true;
  }

  runToEnd(maxSteps = 10_000): void {
    for (let i = 0; !this.done && this.step(); i++) if (i >= maxSteps) throw new Error('the run does not end');
  }

  /** A teacher's action in free mode: happens now, on both sides. */
  act(action: UserAction) {
    for (const side of this.sides()) side.act(action);
  }

  setDelay(user: UserId, delayMs: number) {
    for (const side of this.sides()) side.sim.setDelay(user, 'server', delayMs);
  }

  /** The result panel's content: the common text once the run is over. */
  outcome(side: LabSide): Outcome {
    if (!this.done) return { state: 'running' };
    if (side.sim.inFlight().length) return { state: 'waiting' };
    const texts = [side.serverText(), ...side.texts().values()];
    return texts.every((t) => t === texts[0]) ? { state: 'done', text: texts[0] } : { state: 'diverged', texts };
  }
}
