/**
 * The reference y-websocket server (@y/websocket-server 0.1.1) exactly as its
 * bin runs it (src/server.js: default settings, no persistence, its own ws
 * 6.2.7), plus the monitor. PORT and HOST come from the environment.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startMonitor } from './monitor';

startMonitor();
// The package's exports map hides src/server.js; resolve it from package.json.
const packageJson = createRequire(import.meta.url).resolve('@y/websocket-server/package.json');
await import(pathToFileURL(join(dirname(packageJson), 'src', 'server.js')).href);
