/** What the model gets wrong: the confusion matrix and the most confidently misclassified images. */
import { readFileSync } from 'node:fs';
import { expect, test, openTab } from './playground';

test('on demand and at each epoch end the page shows the confusion matrix and the most confident mistakes', async ({ playground, page }) => {
  test.setTimeout(180_000);
  await playground.open('?backend=wasm');
  await page.getByTestId('step-once').click();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBe(1);
  await openTab(page, 'inspect');
  await page.getByTestId('analyze-now').click();
  const matrix = page.getByTestId('confusion-matrix');
  await expect(matrix).toHaveAttribute('data-total', '1000', { timeout: 30_000 });
  await expect(matrix.locator('tbody tr')).toHaveCount(10);
  await expect(page.getByTestId('misclassified-item')).toHaveCount(16);
  const caption = await page.getByTestId('misclassified-item').first().locator('figcaption').textContent();
  const [, predicted, trueClass] = /^(\d) \(\d+ %\), true (\d)$/.exec(caption ?? '') ?? [];
  expect(predicted).toBeDefined();
  expect(predicted).not.toBe(trueClass);

  // A short run reaches its epoch end, which refreshes the analysis for that step.
  await openTab(page, 'settings');
  await page.getByTestId('config-epochs').fill('1');
  await page.getByTestId('config-batchSize').fill('1000');
  await playground.showAdvancedSettings();
  await page.getByTestId('config-emaDecay').fill('0.9');
  await playground.trainToggle.click();
  await expect(playground.status).toHaveText('done', { timeout: 120_000 });
  // The run ends on its weight averages, then on batch-norm statistics of the whole training split.
  await expect(page.getByTestId('status-detail')).toHaveText(
    ' — finished 1 epoch; the weights are their moving averages (EMA decay 0.9); batch-norm statistics recalibrated on the 9,000 training images',
  );
  await openTab(page, 'inspect');
  await expect(page.getByText(/Validation split, 1,000 images, step 9:/)).toBeVisible({ timeout: 30_000 });

  // Saved and loaded into a fresh page, the finished run is done again, and its file says what its end did.
  await openTab(page, 'runs');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-checkpoint').click()]);
  const bytes = readFileSync(await download.path());
  await page.reload();
  await playground.open('?backend=wasm');
  await page.getByTestId('load-checkpoint').setInputFiles({ name: 'finished.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(playground.status).toHaveText('done', { timeout: 30_000 });
  await expect(page.getByTestId('status-detail')).toHaveText(
    ' — restored step 9, finished 1 epoch; the weights are their moving averages (EMA decay 0.9); batch-norm statistics recalibrated on the 9,000 training images',
  );
  // A finished run is no dead end: Train starts a new one.
  await expect(playground.trainToggle).toHaveText('Train again');
  await expect(playground.trainToggle).toBeEnabled();
});
