import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { datasetServer } from './scripts/datasetServer';

export default defineConfig({
  plugins: [react(), datasetServer()],
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
