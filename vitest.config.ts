import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    // beforeAll hooks train small models on the tfjs CPU backend (40 steps): 10 s, the default, was too short for
    // them on a loaded 2-core machine.
    hookTimeout: 120_000,
  },
});
