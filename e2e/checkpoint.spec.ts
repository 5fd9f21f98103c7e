/** Checkpoints in the page: save a run, load it into a fresh page and train on; a corrupt file changes nothing. */
import { readFileSync } from 'node:fs';
import { expect, test } from './playground';

test('a saved checkpoint loads into a fresh page with its step and curves, and training goes on from there', async ({ playground, page }) => {
  test.setTimeout(180_000);
  await playground.open();
  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(25);
  await playground.pause();
  const savedStep = await playground.stepCount();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-checkpoint').click()]);
  expect(download.suggestedFilename()).toBe(`bitnet-seed-step${savedStep}.safetensors`);
  const bytes = readFileSync(await download.path());

  await page.reload();
  await playground.open();
  await expect(playground.step).toHaveText('0');
  await page.getByTestId('load-checkpoint').setInputFiles({ name: 'run.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(playground.status).toHaveText('paused', { timeout: 30_000 });
  await expect(playground.step).toHaveText(String(savedStep));
  expect(Number(await playground.lossChart.getAttribute('data-points'))).toBeGreaterThan(0);
  await playground.trainToggle.click();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(savedStep + 3);
  await playground.pause();

  // A corrupt checkpoint: a message, and the run as it was.
  const stepBefore = await playground.stepCount();
  const corrupt = Buffer.from(bytes);
  corrupt[corrupt.length - 50]! ^= 0x10;
  await page.getByTestId('load-checkpoint').setInputFiles({ name: 'corrupt.safetensors', mimeType: 'application/octet-stream', buffer: corrupt });
  await expect(playground.errorBanner).toContainText('Could not load the checkpoint corrupt.safetensors');
  await expect(playground.errorBanner).toContainText('The current run is unchanged');
  expect(await playground.stepCount()).toBe(stepBefore);
  await expect(playground.status).toHaveText('paused');
});
