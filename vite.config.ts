import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { datasetServer } from './scripts/datasetServer';

export default defineConfig({
  plugins: [react(), datasetServer()],
  worker: { format: 'es' },
  // The worker imports the tfjs backends dynamically, which Vite's start-up scan does not find: pre-bundled late,
  // they made the dev server reload every open page the first time a run started (and a GPU spec's page with it).
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'] },
  server: { port: 5173, strictPort: false },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
