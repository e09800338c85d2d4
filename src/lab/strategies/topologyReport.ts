/**
 * Prints the topology counters for 5 leaders: one write from each leader in
 * turn (a fresh network each time, every link 40 ms), then the chapter
 * script as the lab plays it by default.
 *   npx tsx src/lab/strategies/topologyReport.ts
 */
import { StrategyRun } from './model';
import { TopologyModel, type Shape } from './topologyScenario';

const N = 5;
const DELAY_MS = 40;
const SHAPES: Shape[] = ['mesh', 'star', 'ring'];
const LEADERS = ['A', 'B', 'C', 'D', 'E'];

console.log(`${N} leaders, every link ${DELAY_MS} ms one way; one write from each leader in turn`);
console.log('shape  messages/write  propagation mean  max   (per origin)');
for (const shape of SHAPES) {
  const rows = LEADERS.map((origin) => {
    const m = new TopologyModel({ shape, n: N, baseDelayMs: DELAY_MS, slowDelayMs: DELAY_MS, causal: false, script: 'none' });
    m.act(`write:${origin}`);
    new StrategyRun(m).runToEnd();
    return m.stats()[0];
  });
  const props = rows.map((r) => r.propagationMs!);
  const msgs = rows.map((r) => r.messages);
  const mean = props.reduce((a, b) => a + b, 0) / props.length;
  console.log(
    `${shape.padEnd(6)} ${(msgs.reduce((a, b) => a + b, 0) / msgs.length).toFixed(1).padStart(14)}  ${mean.toFixed(0).padStart(14)} ms  ${String(Math.max(...props)).padStart(3)} ms   (${rows.map((r) => `${r.origin}:${r.propagationMs}`).join(' ')})`,
  );
}

console.log(`\nThe lab's default chapter script with ${N} leaders (B inserts w1, C updates w2; mesh B–E link 150 ms):`);
for (const shape of SHAPES) {
  for (const causal of shape === 'mesh' ? [false, true] : [false]) {
    const m = new TopologyModel({ shape, n: N, baseDelayMs: DELAY_MS, slowDelayMs: shape === 'mesh' ? 150 : DELAY_MS, causal, script: 'chapter' });
    new StrategyRun(m).runToEnd();
    const st = m.stats().map((s) => `${s.id} ${s.messages} msgs ${s.propagationMs} ms`).join(', ');
    const out = m.outcomes().map((o) => `${o.label.replace('Leader ', '')}=[${o.value}]`).join(' ');
    console.log(`${shape}${causal ? ' (causal)' : ''}: ${st}; applied order ${out}; hub/leader load ${LEADERS.map((l) => `${l}:${m.handled(l)}`).join(' ')}`);
  }
}
