/**
 * `npm run serve`: read the config, start the relay, stop cleanly on SIGTERM/SIGINT.
 */
import { networkInterfaces } from 'node:os';
import { publicOrigin } from './classroom/publicAddress';
import { ConfigError, loadConfig } from './config';
import { startConcord } from './app';
import { createLogger } from './log';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`concord: invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const concord = await startConcord(config, log);
  console.log(`Concord is running at ${concord.url}/  (data in ${config.dataDir})`);
  // 0.0.0.0 is not an address anyone can type: say where students should go.
  const students = publicOrigin({ publicUrl: config.publicUrl, host: config.host, port: concord.port, interfaces: networkInterfaces() });
  if (students.source === 'lan' || students.source === 'PUBLIC_URL') console.log(`Students open ${students.origin}/  (${students.source === 'lan' ? 'this machine on the local network' : 'PUBLIC_URL'})`);
  else if (students.warning && config.host !== '127.0.0.1') console.log(students.warning);

  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    concord.close().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  console.error('concord: failed to start:', error);
  process.exit(1);
});
