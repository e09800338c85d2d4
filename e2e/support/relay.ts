// Moved to the concurrency kit (testing/relay.ts); kept for specs that import it from here.
export { startRelayProcess, type RelayProcess } from '../../testing/relay';
