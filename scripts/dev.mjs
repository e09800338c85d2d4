// `npm run dev`: the relay on RELAY_PORT (default 1235) and Vite with hot reload on PORT (default 1234),
// which proxies /ws, /healthz and /metrics to the relay.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const relayPort = process.env.RELAY_PORT ?? '1235';
const children = [
  spawn(process.execPath, [...JSON.parse(readFileSync('server/relayNodeFlags.json', 'utf8')), '--import', 'tsx', '--watch', 'server/main.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: relayPort },
  }),
  spawn('npx', ['vite', '--port', process.env.PORT ?? '1234', '--strictPort'], {
    stdio: 'inherit',
    env: { ...process.env, RELAY_PORT: relayPort },
  }),
];
const stop = (signal) => children.forEach((child) => child.kill(signal));
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const child of children) child.on('exit', (code) => {
  stop('SIGTERM');
  process.exitCode = code ?? 0;
});
