/**
 * Hocuspocus 3.4.4 with its default configuration (no extensions, so no
 * persistence) on PORT, plus the monitor. `quiet` only silences the banner.
 */
import { Server } from '@hocuspocus/server';
import { startMonitor } from './monitor';

startMonitor();
const server = new Server({ port: Number(process.env.PORT), address: process.env.HOST ?? '127.0.0.1', quiet: true });
await server.listen();
