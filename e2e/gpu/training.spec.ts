/**
 * Training steps on TensorFlow.js's WebGPU backend in real Chromium (SwiftShader here): every op of a step must
 * make a valid pipeline within the device's default limits, and the step's health check must see a non-finite
 * weight. tfjs's WebGPU addN binds one storage buffer per input, so the check's sum over a model's 16 variables
 * (mcu-16k, cnn) once made an invalid pipeline: no error reached the page, and the sum it read was never computed.
 */
import { expect, test } from '@playwright/test';
import type * as BackendModule from '../../src/train/backend';
import type * as ConfigModule from '../../src/core/model/config';
import type * as RngModule from '../../src/core/data/rng';
import type * as TfModule from '../../src/train/tf';
import type * as TrainerModule from '../../src/train/trainer';

test.beforeEach(async ({ page }) => {
  await page.goto('/e2e/gpu/harness.html');
});

for (const preset of ['mcu-16k', 'cnn'] as const) {
  test(`${preset}: a WebGPU training step makes no invalid pipeline, and its health check sees a NaN weight`, async ({ page }) => {
    test.setTimeout(180_000);
    const result = await page.evaluate(async (presetId) => {
      const load = (path: string): Promise<unknown> => import(/* @vite-ignore */ path);
      const { initBackend, registerOptionalBackends } = (await load('/src/train/backend.ts')) as typeof BackendModule;
      const { PRESETS } = (await load('/src/core/model/config.ts')) as typeof ConfigModule;
      const { createRng } = (await load('/src/core/data/rng.ts')) as typeof RngModule;
      const tf = (await load('/src/train/tf.ts')) as typeof TfModule;
      const { Trainer } = (await load('/src/train/trainer.ts')) as typeof TrainerModule;
      await registerOptionalBackends();
      const backend = await initBackend(['webgpu']);
      const device = (tf.backend() as unknown as { device: GPUDevice }).device;
      // 64 random 28×28 images: enough for steps of 16 (the step's ops, not what it learns, are under test).
      const rng = createRng(7);
      const count = 64;
      const images = {
        count,
        rows: 28,
        cols: 28,
        pixels: Uint8Array.from({ length: count * 784 }, () => Math.floor(rng.next() * 256)),
        labels: Uint8Array.from({ length: count }, () => Math.floor(rng.next() * 10)),
      };
      const trainer = new Trainer({ ...PRESETS[presetId], batchSize: 16, epochs: 1 }, { train: images, validation: images, test: null, classNames: Array.from({ length: 10 }, (_, d) => String(d)) });
      device.pushErrorScope('validation');
      const healthy = await trainer.step();
      const healthyError = await device.popErrorScope();
      trainer.model.poisonWeights();
      device.pushErrorScope('validation');
      const poisoned = await trainer.step();
      const poisonedError = await device.popErrorScope();
      trainer.dispose();
      return {
        backend,
        variables: trainer.model.trainableVariables().length,
        healthy: { loss: healthy.loss, weightsFinite: healthy.weightsFinite, error: healthyError?.message ?? null },
        poisoned: { weightsFinite: poisoned.weightsFinite, error: poisonedError?.message ?? null },
      };
    }, preset);
    expect(result.backend).toBe('webgpu');
    // More variables than the 7 inputs an 8-buffer pipeline can sum at once: the case the check used to fail.
    expect(result.variables).toBeGreaterThan(7);
    expect(result.healthy.error).toBeNull();
    expect(Number.isFinite(result.healthy.loss)).toBe(true);
    expect(result.healthy.weightsFinite).toBe(true);
    expect(result.poisoned.error).toBeNull();
    expect(result.poisoned.weightsFinite).toBe(false);
  });
}
