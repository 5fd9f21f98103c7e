import { expect, test, openTab } from './playground';

test('the page loads with the embedded data and the seed preset, on the backend it measured fastest', async ({ playground, page }) => {
  await playground.open();
  // Here WebGPU runs on SwiftShader and WASM is usable too. A first visit (nothing measured yet in this browser)
  // does not wait for the measurement: WASM is ready at once, both are timed in the background, the page says
  // so, and then the fastest trains.
  await expect(page.getByTestId('status-line')).toContainText('measuring backends in the background', { timeout: 30_000 });
  const timings = page.getByTestId('backend-timings').locator('[data-backend]');
  await expect(timings).not.toHaveCount(0, { timeout: 90_000 });
  await expect(page.getByTestId('status-line')).not.toContainText('measuring');
  const measured = await timings.evaluateAll((spans) => spans.map((span) => ({ backend: span.getAttribute('data-backend'), ms: Number(span.getAttribute('data-step-ms')) })));
  expect(measured.map((m) => m.backend).sort()).toEqual(expect.arrayContaining(['wasm', 'webgpu']));
  const fastest = measured.reduce((best, m) => (m.ms > 0 && m.ms < best.ms ? m : best));
  await expect(playground.backend).toHaveText(fastest.backend!);
  await expect(page.getByTestId('backend-timings')).toContainText('ms/step');
  await expect(playground.datasetSelect).toHaveValue('mnist-10k');
  await expect(playground.datasetSelect.locator('option[value="mnist-10k"]')).toHaveText('MNIST 10k subset, offline');
  await expect(playground.presetSelect).toHaveValue('seed');
  await expect(playground.presetSelect.locator('option')).toHaveText([/^seed/, /^b158-mlp/, /^mcu-16k/, /^cnn/, /^mcu-cnn-16k/, /^kws/]);
  await expect(playground.step).toHaveText('0');
  await expect(page.getByRole('heading', { name: 'BitNet Playground' })).toBeVisible();
});

test('?backend= forces a backend and the page says which one runs', async ({ playground }) => {
  await playground.open('?backend=cpu');
  await expect(playground.backend).toHaveText('cpu');
});

test('training on WebGPU passes 90 % validation accuracy on the embedded data', async ({ playground }) => {
  test.setTimeout(6 * 60_000);
  await playground.open('?backend=webgpu');
  await playground.startTraining();
  const started = Date.now();
  await expect
    .poll(() => playground.validationPercent(), { timeout: 5 * 60_000, intervals: [1000] })
    .toBeGreaterThan(90);
  const seconds = (Date.now() - started) / 1000;
  const steps = await playground.stepCount();
  console.log(`validation > 90 % after ${seconds.toFixed(0)} s, ${steps} steps on webgpu`);
  await expect(playground.loss).not.toHaveText('—');
  await expect.poll(() => playground.chartPoints(playground.lossChart), { timeout: 30_000 }).toBeGreaterThan(3);
  await playground.pause();
});

test('Pause stops the step counter within a second, Resume continues, Reset clears', async ({ playground }) => {
  await playground.open();
  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(5);
  await playground.trainToggle.click();
  await expect(playground.status).toHaveText('paused', { timeout: 1000 });
  await playground.page.waitForTimeout(1000);
  const stepsAfterPause = await playground.stepCount();
  await playground.page.waitForTimeout(2000);
  expect(await playground.stepCount()).toBe(stepsAfterPause);
  await expect(playground.trainToggle).toHaveText('Resume');

  await playground.trainToggle.click();
  await expect.poll(() => playground.stepCount(), { timeout: 30_000 }).toBeGreaterThan(stepsAfterPause);
  await playground.pause();

  await playground.reset.click();
  await expect(playground.step).toHaveText('0');
  await expect(playground.status).toHaveText('idle');
});

test('invalid hyperparameters get a clear message and do not start training', async ({ playground, page }) => {
  await playground.open();
  await openTab(page, 'settings');
  await page.getByTestId('config-learningRate').fill('');
  await playground.trainToggle.click();
  await expect(playground.errorBanner).toContainText('learning rate must be a number');
  await expect(playground.status).toHaveText('idle');
});
