import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

/** Full MNIST for the dataset specs: MNIST_DIR, else the shared copy beside the project when there is one. */
const sharedMnist = resolve(import.meta.dirname, '../shared/data/mnist');
const mnistDir = process.env.MNIST_DIR ?? (existsSync(sharedMnist) ? sharedMnist : undefined);

// E2E_PORT / E2E_DEV_PORT let two checkouts run their specs side by side without reusing each other's server.
const PORT = Number(process.env.E2E_PORT ?? 5199);
/** The GPU kernel specs import source modules, which only the dev server serves. */
const DEV_PORT = Number(process.env.E2E_DEV_PORT ?? 5198);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 120_000,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // The app is tested as users get it from `npm run build`: the production bundle. (Development React is several
  // times slower, which would make the main-thread long-task figures meaningless.) E2E_SERVER=dev tests `vite`.
  webServer: [
    {
      command:
        process.env.E2E_SERVER === 'dev'
          ? `npx vite --port ${PORT} --strictPort`
          : `npx vite build && npx vite preview --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}`,
      env: mnistDir ? { MNIST_DIR: mnistDir } : {},
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
      stdout: 'ignore',
    },
    {
      command: `npx vite --port ${DEV_PORT} --strictPort`,
      url: `http://localhost:${DEV_PORT}/e2e/gpu/harness.html`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
      stdout: 'ignore',
    },
  ],
  projects: [
    { name: 'app', testIgnore: /gpu\// },
    { name: 'gpu', testMatch: /gpu\/.*\.spec\.ts/, use: { baseURL: `http://localhost:${DEV_PORT}` } },
  ],
});
