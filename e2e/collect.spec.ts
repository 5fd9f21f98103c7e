/**
 * Collect mode: three classes drawn by the test (12 drawings each), trained on, a new drawing classified by name;
 * after a reload the drawings and the run are still there; the downloaded zip loads back as the same data set.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { draw, type Stroke } from './drawing';
import { loadZipInNode } from './imageFolders';
import { expect, test } from './playground';

const SAMPLES = 12;

function circle(cx: number, cy: number, r: number): Stroke[] {
  return [Array.from({ length: 33 }, (_, i) => [cx + r * Math.cos((i / 32) * 2 * Math.PI), cy + r * Math.sin((i / 32) * 2 * Math.PI)] as [number, number])];
}
const bar = (x: number, top: number, bottom: number): Stroke[] => [[[x, top], [x + 4, (top + bottom) / 2], [x, bottom]]];
const cross = (cx: number, cy: number, r: number): Stroke[] => [
  [[cx - r, cy - r], [cx + r, cy + r]],
  [[cx + r, cy - r], [cx - r, cy + r]],
];

/** The i-th drawing of a class: the same shape, moved and resized a little each time. */
const SHAPES: Record<string, (i: number) => Stroke[]> = {
  circle: (i) => circle(120 + (i % 4) * 12, 125 + (i % 3) * 14, 60 + (i % 5) * 8),
  bar: (i) => bar(110 + (i % 5) * 14, 40 + (i % 3) * 10, 220 + (i % 4) * 10),
  cross: (i) => cross(125 + (i % 4) * 10, 130 + (i % 3) * 12, 55 + (i % 5) * 8),
};

async function collectClass(page: Page, name: string): Promise<void> {
  await page.getByTestId('collect-class-name').fill(name);
  await page.getByTestId('collect-add-class').click();
  for (let i = 0; i < SAMPLES; i++) {
    await draw(page, SHAPES[name]!(i), 'collect-canvas');
    await page.getByTestId('collect-add-sample').click();
    await expect(page.getByTestId('collect-samples').locator(`[data-class="${name}"]`)).toHaveAttribute('data-count', String(i + 1));
  }
}

test('collect mode: three drawn classes train, a new drawing is named, and everything survives a reload', async ({ playground, page }) => {
  test.setTimeout(6 * 60_000);
  await playground.open('?epochs=40&batchSize=10');
  await playground.openOwnImages();
  await page.getByTestId('collect-mode').check();
  for (const name of Object.keys(SHAPES)) await collectClass(page, name);
  await expect(page.getByTestId('collect-samples').locator('canvas')).toHaveCount(3 * SAMPLES);

  await page.getByTestId('collect-use').click();
  await expect(page.getByTestId('own-data-summary')).toContainText('circle 12');
  expect(await playground.ownClassCounts()).toEqual({ bar: 12, circle: 12, cross: 12 });
  await playground.startTraining();
  await expect(playground.status).toHaveText('done', { timeout: 4 * 60_000 });
  await draw(page, circle(140, 140, 75));
  await expect(page.getByTestId('prediction')).toHaveText('circle', { timeout: 15_000 });
  await playground.openTab('runs');
  await expect(page.getByTestId('run-row').first()).toContainText('own');

  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('collect-download').click()]);
  const zip = new Uint8Array(readFileSync(await file.path()));
  const fromZip = await loadZipInNode(zip, 'collected.zip');
  expect(fromZip.classNames).toEqual(['bar', 'circle', 'cross']);

  await page.reload();
  await expect(playground.backend).toHaveText(/webgpu|webgl|wasm|cpu/, { timeout: 60_000 });
  await playground.openOwnImages();
  await page.getByTestId('collect-mode').check();
  for (const name of Object.keys(SHAPES)) await expect(page.getByTestId('collect-samples').locator(`[data-class="${name}"]`)).toHaveAttribute('data-count', String(SAMPLES));
  await playground.openTab('runs');
  await expect(page.getByTestId('run-row').first()).toContainText('own');

  // The downloaded zip loads back as the same data set: the same classes, counts and split.
  await page.getByTestId('own-images-input').setInputFiles({ name: 'collected.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await expect(page.getByTestId('own-data-summary')).toContainText('circle 12');
  expect(await playground.ownClassCounts()).toEqual({ bar: 12, circle: 12, cross: 12 });
  await expect(page.getByTestId('dataset-summary')).toContainText(`${fromZip.train.count} train / ${fromZip.validation.count} validation`);
});
