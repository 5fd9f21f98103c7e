/** Checkpoints in the page: save a run, load it into a fresh page and train on; a corrupt file changes nothing. */
import { readFileSync } from 'node:fs';
import { expect, test, openTab } from './playground';

test('a saved checkpoint loads into a fresh page with its step and curves, and training goes on from there', async ({ playground, page }) => {
  test.setTimeout(180_000);
  await playground.open();
  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(25);
  await playground.pause();
  const savedStep = await playground.stepCount();
  await openTab(page, 'runs');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-checkpoint').click()]);
  expect(download.suggestedFilename()).toBe(`bitnet-seed-step${savedStep}.safetensors`);
  const bytes = readFileSync(await download.path());

  await page.reload();
  await playground.open();
  await expect(playground.step).toHaveText('0');
  await openTab(page, 'runs');
  await page.getByTestId('load-checkpoint').setInputFiles({ name: 'run.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(playground.status).toHaveText('paused', { timeout: 30_000 });
  await expect(playground.step).toHaveText(String(savedStep));
  await expect.poll(() => playground.chartPoints(playground.lossChart), { timeout: 30_000 }).toBeGreaterThan(0);
  await playground.trainToggle.click();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(savedStep + 3);
  await playground.pause();

  // A corrupt checkpoint: a message, and the run as it was.
  const stepBefore = await playground.stepCount();
  const corrupt = Buffer.from(bytes);
  corrupt[corrupt.length - 50]! ^= 0x10;
  await openTab(page, 'runs');
  await page.getByTestId('load-checkpoint').setInputFiles({ name: 'corrupt.safetensors', mimeType: 'application/octet-stream', buffer: corrupt });
  await expect(playground.errorBanner).toContainText('Could not load the checkpoint corrupt.safetensors');
  await expect(playground.errorBanner).toContainText('The current run is unchanged');
  expect(await playground.stepCount()).toBe(stepBefore);
  await expect(playground.status).toHaveText('paused');
});

test('after a reload the page offers the autosaved run; resuming continues from its step with the curves intact', async ({ playground, page }) => {
  test.setTimeout(180_000);
  await playground.open();
  await playground.startTraining();
  await expect.poll(() => playground.validationPercent(), { timeout: 90_000 }).toBeGreaterThan(80);
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(40);
  await playground.pause();
  const step = await playground.stepCount();
  const accuracy = await playground.validationPercent();
  // A pause autosaves the run; the page says when it is stored.
  await expect(page.getByTestId('autosave-status')).toHaveText(`Autosaved in this browser at step ${step}.`, { timeout: 30_000 });
  const lossPoints = await playground.settledChartPoints(playground.lossChart);
  expect(lossPoints).toBeGreaterThan(0);

  await page.reload();
  await playground.open();
  await expect(page.getByTestId('resume-run')).toHaveText(`Resume it at step ${step}`, { timeout: 30_000 });
  await openTab(page, 'runs');
  await page.getByTestId('resume-run').click();
  await expect(playground.step).toHaveText(String(step), { timeout: 30_000 });
  await expect(playground.status).toHaveText('paused');
  // The chart takes the restored curves in a transition, a moment after the step count (a CI run read it too early).
  await expect(playground.lossChart).toHaveAttribute('data-points', String(lossPoints), { timeout: 30_000 });
  expect(Math.abs((await playground.validationPercent()) - accuracy)).toBeLessThanOrEqual(1);
  await playground.trainToggle.click();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(step + 3);
  await playground.pause();
});

test('the curves export as CSV, and the form resets to its preset', async ({ playground, page }) => {
  await playground.open();
  await page.getByTestId('step-once').click();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBe(1);
  await openTab(page, 'runs');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toBe('bitnet-seed-curves.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n')[0]).toBe('series,step,value');
  expect(csv).toContain('training loss,1,');

  await openTab(page, 'settings');
  await page.getByTestId('config-batchSize').fill('77');
  await page.getByTestId('layers-text').fill('flatten,dense:64,dense:32');
  await page.getByLabel('Weight quantizer').selectOption('absmean');
  await page.getByTestId('reset-to-preset').click();
  await expect(page.getByTestId('config-batchSize')).toHaveValue('100');
  await expect(page.getByTestId('layers-text')).toHaveValue('flatten,dense:128');
  await expect(page.getByLabel('Weight quantizer')).toHaveValue('twn');
});
