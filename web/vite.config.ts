import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The dashboard SPA. `root` is this folder whichever way Vite is started
 * (`vite build web` or `vite build --config web/vite.config.ts`), so the
 * build always lands in `web/dist`, which the gateway serves at `/`.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

/** Where `vite dev` forwards the JSON API and the OpenAI-compatible API. */
const gateway = process.env.OP_DASHBOARD_API ?? 'http://127.0.0.1:8080';
const proxy = {
  '/api': { target: gateway },
  '/v1': { target: gateway },
};

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Never inline assets as data: URLs — the gateway's CSP is default-src 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        // React in its own long-cached chunk; recharts and its dependencies only load with the chart pages.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            {
              name: 'charts',
              test: /node_modules[\\/](recharts|d3-[a-z]+|victory-vendor|@reduxjs|redux|redux-thunk|react-redux|immer|reselect|es-toolkit|decimal\.js-light|eventemitter3|tiny-invariant|clsx|use-sync-external-store|react-is)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
});
