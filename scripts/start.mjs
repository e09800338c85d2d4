// `npm start`: build the app if the build is missing or older than its sources, then run the relay.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

const built = 'dist/index.html';
const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package-lock.json'].filter(existsSync);
if (!existsSync(built) || sources.some((path) => newest(path) > statSync(built).mtimeMs)) {
  console.log('Building the app…');
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The relay's Node flags (server/relayNodeFlags.json: a young generation of 2 MB instead of V8's 16, see the README).
const nodeFlags = JSON.parse(readFileSync('server/relayNodeFlags.json', 'utf8'));
const relay = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'server/main.ts'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => relay.kill(signal));
relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
