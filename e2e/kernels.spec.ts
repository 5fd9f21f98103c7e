import { expect, test, openTab } from './playground';

test('the trained model runs on the WGSL kernels with the accuracy TensorFlow.js gives it', async ({ playground, page }) => {
  // The benchmark's batch of 10,000 runs on a software GPU: generous waits, so that a busy machine is not a failure.
  test.setTimeout(420_000);
  await playground.open();
  await expect(page.getByTestId('inference-backend')).toContainText('webgpu');
  await playground.startTraining();
  await expect.poll(() => playground.validationPercent(), { timeout: 120_000 }).toBeGreaterThan(85);
  await playground.pause();

  await openTab(page, 'deploy');
  await page.getByTestId('kernel-eval').click();
  const kernelAccuracy = page.getByTestId('kernel-eval-acc');
  await expect(kernelAccuracy).toHaveText(/%/, { timeout: 60_000 });
  const kernel = Number.parseFloat((await kernelAccuracy.textContent()) ?? '');
  const tfjs = Number.parseFloat((await page.getByTestId('kernel-eval-ref-acc').textContent()) ?? '');
  const agreement = Number.parseFloat((await page.getByTestId('kernel-eval-agreement').textContent()) ?? '');
  console.log(`kernel ${kernel} %, tfjs ${tfjs} %, identical predictions ${agreement} %: ${await page.getByTestId('kernel-eval-result').textContent()}`);
  expect(kernel).toBeGreaterThan(85);
  expect(Math.abs(kernel - tfjs)).toBeLessThanOrEqual(0.5);
  expect(agreement).toBeGreaterThanOrEqual(99);

  await openTab(page, 'deploy');
  await page.getByTestId('kernel-bench').click();
  const result = page.getByTestId('kernel-bench-result');
  await expect(result).not.toHaveAttribute('data-json', '', { timeout: 300_000 });
  const rows = JSON.parse((await result.getAttribute('data-json')) ?? '[]') as { batch: number; speedup: number; predictionsAgree: boolean; kernel: string }[];
  for (const row of rows) console.log(JSON.stringify(row));
  // Every row is the batch it names (the embedded split holds 1,000 images: larger batches repeat them).
  for (const kernel of new Set(rows.map((r) => r.kernel))) {
    expect(rows.filter((r) => r.kernel === kernel).map((r) => r.batch)).toEqual([1, 64, 1024, 10_000]);
  }
  expect(rows.every((r) => r.predictionsAgree)).toBe(true);
  await expect(result.locator('tbody tr')).toHaveCount(rows.length);
});
