// `npm run test:cluster`: builds the app into its own directory, then runs the
// cluster tests (playwright.cluster.config.ts: a real redis-server, two relays).
import { spawnSync } from 'node:child_process';

if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
  console.error('redis-server is not installed. On Debian/Ubuntu: sudo apt-get install -y redis-server (it need not be running).');
  process.exit(1);
}
const outDir = '.tmp/dist-cluster';
const steps = [
  ['build', 'npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir']],
  ['e2e browser', process.execPath, ['--import', 'tsx', 'scripts/ensure-browser.ts']],
  ['cluster tests', 'npx', ['playwright', 'test', '-c', 'playwright.cluster.config.ts', ...process.argv.slice(2)]],
];
for (const [name, command, args] of steps) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, CLUSTER_STATIC_DIR: outDir } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed after ${seconds}s`);
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${name} (${seconds}s)`);
}
