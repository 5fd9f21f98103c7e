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
  optimizeDeps: {
    entries: ['index.html', 'e2e/gpu/harness.html', 'src/worker/*.worker.ts'],
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'fflate', 'idb-keyval', 'onnx-proto'],
  },
  server: { port: 5173, strictPort: false },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
