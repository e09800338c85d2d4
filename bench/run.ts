/**
 * `npm run bench [-- name ...]`: runs the named benchmarks, or all of them.
 * Benchmarks are not part of `npm test`: they print figures, they do not assert them.
 */
import { benchPropagation } from './propagation';

const benchmarks: Record<string, () => Promise<void>> = {
  propagation: benchPropagation,
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benchmarks)) {
  const run = benchmarks[name];
  if (!run) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(1);
  }
  await run();
}
