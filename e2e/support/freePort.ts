// Moved to the concurrency kit (testing/freePort.ts); kept for the benches and cluster tests that import it from here.
export { freePort } from '../../testing/freePort';
