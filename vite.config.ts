import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { datasetServer } from './scripts/datasetServer';

export default defineConfig({
  plugins: [react(), datasetServer()],
  worker: { format: 'es' },
  // Every dependency must be found by the dev server's start-up scan: one pre-bundled late (when a page first
  // loads the module that imports it) makes the server reload every open page, and a Train click made before that
  // reload is lost. The scan crawls only the HTML entries by default, and the workers are reached through
  // `new URL(..., import.meta.url)`, which it does not follow: so the workers are entries too, and the packages only
  // they import (dynamically, or through an export) are listed as well.
  // BITNET_VITE_CACHE_DIR: a pre-bundle cache of its own, e.g. an empty one for e2e/firstVisit.spec.ts, which starts
  // the dev server as a fresh install does without touching the cache of the servers already running.
  cacheDir: process.env.BITNET_VITE_CACHE_DIR,
  optimizeDeps: {
    entries: ['index.html', 'e2e/gpu/harness.html', 'src/worker/*.worker.ts'],
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'fflate', 'idb-keyval', 'onnx-proto'],
  },
  server: { port: 5173, strictPort: false },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
