// `npm test`: typecheck, import boundaries, unit tests, build, browser check, end-to-end tests.
// Stops at the first failure.
import { spawnSync } from 'node:child_process';

const steps = [
  // The parts as project references (tsconfig.json); incremental, so a rerun checks only what changed.
  ['typecheck', 'npx', ['tsc', '-b']],
  // The import rules between the parts (.dependency-cruiser.cjs, docs/ARCHITECTURE.md).
  ['import boundaries', 'npm', ['run', '--silent', 'lint']],
  ['unit tests', 'npx', ['vitest', 'run']],
  ['build', 'npx', ['vite', 'build', '--logLevel', 'warn']],
  ['e2e browser', process.execPath, ['--import', 'tsx', 'scripts/ensure-browser.ts']],
  ['e2e tests', 'npx', ['playwright', 'test', ...process.argv.slice(2)]],
];

for (const [name, command, args] of steps) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed after ${seconds}s`);
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${name} (${seconds}s)`);
}
