/**
 * Issue 38's start-up and dead-end defects, each as the issue describes it: a resumed run's accuracy, a finished
 * run that can train again, epochs counted 1..N, and a CNN that answers a drawing while it trains.
 */
import type { Locator, Page } from '@playwright/test';
import { draw, DIGITS } from './drawing';
import { test, expect, type Playground } from './playground';

/** The accuracy the confusion matrix reports for the current weights, in percent. */
async function matrixPercent(page: Page): Promise<number> {
  const caption = page.getByTestId('analyze-now').locator('xpath=ancestor::p[1]');
  await expect(caption).toContainText('correct', { timeout: 30_000 });
  const match = /step \d+: ([\d.]+) % correct/.exec((await caption.textContent()) ?? '');
  return Number(match?.[1]);
}

async function percentOf(locator: Locator): Promise<number> {
  return Number.parseFloat((await locator.textContent()) ?? '');
}

async function trainToEnd(playground: Playground): Promise<void> {
  await playground.startTraining();
  await expect(playground.status).toHaveText('done', { timeout: 240_000 });
}

test('a resumed finished run shows the accuracy of its weights, as the confusion matrix does; epochs count 1..N', async ({ playground, page }) => {
  test.setTimeout(360_000);
  await playground.open();
  await trainToEnd(playground);
  // The slider moved after the run's last snapshot: the page reopens at t = 0.80, the run was kept at t = 0.70.
  await page.getByTestId('threshold-slider').fill('0.8');
  await expect(page.getByTestId('threshold-value')).toHaveText('0.80');
  await expect(page.getByTestId('threshold-slider').locator('xpath=../..')).toContainText('Validation accuracy at t = 0.80', { timeout: 30_000 });
  // A reload: the address bar holds the setup, t = 0.80 with it.
  await expect.poll(() => new URL(page.url()).search).toContain('0.8');
  await playground.open(new URL(page.url()).search);
  await expect(page.getByTestId('threshold-value')).toHaveText('0.80');
  const offer = page.getByTestId('resume-offer');
  await expect(offer).toContainText('epoch 5, step 450', { timeout: 30_000 });
  await playground.openTab('runs');
  await expect(page.getByTestId('run-row').first()).toContainText('450 (epoch 5)');
  await page.getByTestId('resume-run').click();
  await expect(playground.status).toHaveText('done', { timeout: 30_000 });
  await expect(page.getByTestId('threshold-value')).toHaveText('0.70');
  await expect(playground.epoch).toHaveText('5 / 5');
  await playground.openTab('inspect');
  await page.getByTestId('analyze-now').click();
  const matrix = await matrixPercent(page);
  expect(matrix).toBeGreaterThan(85);
  await expect.poll(() => percentOf(playground.validationAccuracy), { timeout: 30_000 }).toBe(matrix);
  await expect(playground.loss).not.toHaveText('—');

  // Not a dead end: another preset starts a new run at once (the form says so), without the seed run's curves.
  await expect(playground.trainToggle).toHaveText('Train again');
  await expect(playground.trainToggle).toBeEnabled();
  await playground.presetSelect.selectOption('cnn');
  await expect(playground.status).toHaveText('idle');
  await expect(playground.step).toHaveText('0');
  await expect(playground.epoch).toHaveText('0 / 10');
  await expect(playground.validationAccuracy).toHaveText('—');
  await expect(playground.trainToggle).toHaveText('Train');
  await expect(playground.trainToggle).toBeEnabled();
});

test('after a run finishes, Train again starts a new one from step 0 with fresh curves', async ({ playground, page }) => {
  test.setTimeout(240_000);
  await playground.open();
  await playground.openTab('settings');
  await page.getByTestId('config-epochs').fill('1');
  await trainToEnd(playground);
  await expect(playground.step).toHaveText('90');
  await expect(playground.epoch).toHaveText('1 / 1');
  await expect(playground.trainToggle).toHaveText('Train again');
  await playground.trainToggle.click();
  await expect(playground.status).toHaveText(/training|done/);
  // A new run: its step count starts again from 0 (it may already have finished its 90 steps on a fast machine).
  await expect.poll(() => playground.stepCount(), { timeout: 30_000 }).toBeLessThan(90);
  await expect(playground.status).toHaveText('done', { timeout: 120_000 });
  await expect(playground.step).toHaveText('90');
  await playground.openTab('runs');
  await expect(page.getByTestId('run-row')).toHaveCount(2);
});

test('a CNN answers a digit drawn while it trains, between two steps, as the MLPs do', async ({ playground, page }) => {
  test.setTimeout(240_000);
  await playground.open();
  await playground.presetSelect.selectOption('cnn');
  const prediction = page.getByTestId('prediction');
  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(5);
  const latencies: string[] = [];
  for (const digit of [1, 7]) {
    await page.getByTestId('clear-canvas').click();
    await expect(prediction).toHaveText('');
    await draw(page, DIGITS[digit]!);
    const penUp = Date.now();
    await expect(prediction).toHaveText(/^\d$/, { timeout: 15_000 });
    latencies.push(`${Date.now() - penUp} ms after the pen lifted (round trip ${await page.getByTestId('prediction-path').getAttribute('data-round-trip-ms')} ms)`);
    await expect(playground.status).toHaveText('training');
  }
  console.log(`cnn, drawn while training: answered ${latencies.join(', ')}`);
  await playground.pause();
});
