/**
 * Makes sure a Chromium exists for the e2e tests: uses one if found, installs
 * Debian's `chromium` with apt when running as root, else says how to get one.
 */
import { spawnSync } from 'node:child_process';
import { findChromium } from '../e2e/support/browser';

const found = findChromium();
if (found) {
  console.log(`e2e browser: ${found}`);
  process.exit(0);
}
if (process.env.CHROMIUM_PATH) {
  console.error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist. Point it at a Chromium or Chrome binary.`);
  process.exit(1);
}
if (process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('which', ['apt-get']).status === 0) {
  console.log('No Chromium found: installing Debian\'s "chromium" with apt-get (needs the Debian mirror)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env }) : update;
  if (install.status === 0 && findChromium()) {
    console.log(`e2e browser: ${findChromium()}`);
    process.exit(0);
  }
  console.error('Installing chromium with apt-get failed (see above).');
  process.exit(1);
}
console.error(
  'No Chromium found for the end-to-end tests. Install one, e.g. "sudo apt-get install chromium" on Debian/Ubuntu,\n' +
    'or set CHROMIUM_PATH=/path/to/chromium, then run "npm test" again.',
);
process.exit(1);
