import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The relay serves the built app from dist/ on the same port as the WebSocket.
// In `npm run dev`, Vite serves the app and proxies the relay's paths to it.
const relayPort = Number(process.env.RELAY_PORT ?? 1235);

export default defineConfig({
  plugins: [react()],
  resolve: {
    // One copy of yjs: two copies break `instanceof` checks and corrupt documents.
    dedupe: ['yjs', 'y-protocols', 'lib0', 'slate', 'slate-react', 'react', 'react-dom'],
  },
  server: {
    proxy: {
      '/ws': { target: `ws://127.0.0.1:${relayPort}`, ws: true },
      '/healthz': `http://127.0.0.1:${relayPort}`,
      '/metrics': `http://127.0.0.1:${relayPort}`,
      '/api': `http://127.0.0.1:${relayPort}`,
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    // Lists every built file; the service worker (public/sw.js) precaches them so the
    // app opens, and documents load from IndexedDB, while the relay is down.
    manifest: 'asset-manifest.json',
  },
});
