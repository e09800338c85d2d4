import { describe, expect, it } from 'vitest';
import { LabRun } from './run';
import { allScenarios, findScenario } from './scenarios/registry';

const hello = findScenario('hello-world')!;

function finish(flipped: boolean) {
  const run = new LabRun(hello, { seed: 1, flipped });
  run.runToEnd();
  return run;
}

describe('hello-world, the chapter example', () => {
  it('gives "HelloWorld" on both sides with the default rule', () => {
    const run = finish(false);
    expect(run.outcome(run.ot)).toEqual({ state: 'done', text: 'HelloWorld' });
    expect(run.outcome(run.crdt)).toEqual({ state: 'done', text: 'HelloWorld' });
  });

  it('gives "WorldHello" on both sides with the flipped rule', () => {
    const run = finish(true);
    expect(run.outcome(run.ot)).toEqual({ state: 'done', text: 'WorldHello' });
    expect(run.outcome(run.crdt)).toEqual({ state: 'done', text: 'WorldHello' });
  });

  it('shows the server transforming Bob\'s insert from @0 to @5 against Alice\'s', () => {
    const run = finish(false);
    expect(run.ot.trace.map((t) => t.text)).toContain(
      'server transforms Bob\'s insert "World" @0 → insert "World" @5 against Alice\'s insert "Hello" @0',
    );
  });

  it('Alice\'s op reaches the OT server first (London is nearer)', () => {
    const run = finish(false);
    expect(run.ot.server.log.map((e) => e.author)).toEqual(['Alice', 'Bob']);
  });

  it('replays identically: same scenario and seed, same event logs', () => {
    const [a, b] = [finish(false), finish(false)];
    expect(a.ot.sim.log).toEqual(b.ot.sim.log);
    expect(a.crdt.sim.log).toEqual(b.crdt.sim.log);
  });
});

describe('every scenario', () => {
  for (const s of allScenarios()) {
    it(`${s.id}: both sides end with the same text`, () => {
      for (const flipped of [false, true]) {
        const run = new LabRun(s, { seed: 1, flipped });
        run.runToEnd();
        const ot = run.outcome(run.ot);
        const crdt = run.outcome(run.crdt);
        expect(ot.state).toBe('done');
        expect(crdt).toEqual(ot);
      }
    });
  }
});
