/**
 * Own images in colour, end to end: red, green and blue shapes of equal luminance (grey cannot tell them apart)
 * load as 20×20 RGB, show coloured samples, train with the cnn preset, and the C export (BITNET_INPUT_SIZE 1200,
 * built with cc), ONNX Runtime ([N, 1200] input) and the page agree on the held-out images; a drawing is named;
 * after a reload the run is listed with its conversion, and loading the images again (Size and Colour offered as
 * the run's) resumes it.
 */
import { readFileSync } from 'node:fs';
import type { Download, Locator, Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { configFootprint } from '../src/core/export/mcuFootprint';
import { PRESETS } from '../src/core/model/config';
import { draw } from './drawing';
import { exportAgreement } from './exportAgreement';
import { colourZip, loadZipInNode } from './imageFolders';
import { expect, test } from './playground';

const SIDE = 20;
const IMAGE_BYTES = SIDE * SIDE * 3;

async function download(page: Page, button: Locator): Promise<Uint8Array> {
  const [file]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), button.click()]);
  return new Uint8Array(readFileSync(await file.path()));
}

/** The share of a sample canvas's pixels whose colour leans to one channel by more than 80 levels, per channel. */
function colourShares(canvas: Locator): Promise<[number, number, number]> {
  return canvas.evaluate((element: HTMLCanvasElement) => {
    const { data } = element.getContext('2d')!.getImageData(0, 0, element.width, element.height);
    const counts = [0, 0, 0];
    for (let p = 0; p < data.length; p += 4) {
      for (let c = 0; c < 3; c++) {
        const others = [0, 1, 2].filter((o) => o !== c).map((o) => data[p + o]!);
        if (data[p + c]! > Math.max(...others) + 80) counts[c]!++;
      }
    }
    const total = data.length / 4;
    return counts.map((count) => count / total) as [number, number, number];
  });
}

test('RGB 20×20 own images of equal luminance train with cnn; C, ONNX Runtime and the page agree; the run keeps its conversion', async ({ playground, page }) => {
  test.setTimeout(8 * 60_000);
  const zip = colourZip(40, 5);
  const conversion = { side: SIDE, color: 'rgb', invert: 'auto' } as const;
  const expected = await loadZipInNode(zip, 'colours.zip', conversion);
  expect(expected.report.classNames).toEqual(['blue', 'green', 'red']);

  await playground.open('?preset=cnn&epochs=30');
  await playground.openOwnImages();
  // Loaded at the defaults (28×28 grey), as a new user does: the report says the images are in colour.
  await playground.loadOwnZip('colours.zip', zip);
  await expect(page.getByTestId('own-data-warnings')).toContainText('These images are in colour; Colour: RGB keeps it');
  await expect(page.getByTestId('own-images-stale')).toHaveCount(0);
  // Changing Size and Colour afterwards says so, and loads the same files again on request.
  await page.getByTestId('own-images-side').fill(String(SIDE));
  await page.getByTestId('own-images-color').selectOption('rgb');
  await expect(page.getByTestId('own-images-stale')).toContainText('loaded as 28×28 grey');
  await expect(page.getByTestId('own-images-reload')).toHaveText('Load again as 20×20 RGB');
  await page.getByTestId('own-images-reload').click();
  await expect(page.getByTestId('own-images-stale')).toHaveCount(0, { timeout: 60_000 });
  expect(await playground.ownClassCounts()).toEqual({ blue: 40, green: 40, red: 40 });
  await expect(page.getByTestId('own-data-drop')).toContainText('20×20 RGB');
  await expect(page.getByTestId('own-data-warnings')).toHaveCount(0);
  await expect(page.getByTestId('own-data-inversion')).toContainText('colours inverted: white background → black, so red → cyan');
  await expect(page.getByTestId('dataset-summary')).toContainText(`${expected.train.count} train / ${expected.validation.count} validation`);
  // Each class's samples show in its colour (inverted back to the shapes on white they were).
  const rows = page.getByTestId('own-data-summary').locator('canvas');
  await expect(rows).toHaveCount(3);
  const [blue, green, red] = [await colourShares(rows.nth(0)), await colourShares(rows.nth(1)), await colourShares(rows.nth(2))];
  expect(blue[2]).toBeGreaterThan(0.05);
  expect(green[1]).toBeGreaterThan(0.05);
  expect(red[0]).toBeGreaterThan(0.05);
  expect(red[2] + green[0] + blue[0]).toBe(0);
  // The layer editor and the MCU budget follow the image: 20×20×3 input, 3 classes.
  await playground.openTab('settings');
  await expect(page.getByTestId('layer-editor')).toContainText('input 20×20×3');
  const footprint = configFootprint(PRESETS.cnn, 'base3', 3, { height: SIDE, width: SIDE, channels: 3 });
  await expect(page.getByTestId('mcu-budget-flash')).toHaveAttribute('data-used', String(footprint.flashBytes));

  await playground.startTraining();
  await expect.poll(() => playground.validationPercent(), { timeout: 5 * 60_000, intervals: [2000] }).toBeGreaterThanOrEqual(95);
  if ((await playground.status.textContent()) === 'training') await playground.trainToggle.click();
  await expect(playground.status).toHaveText(/paused|done/, { timeout: 30_000 });

  await playground.openTab('deploy');
  const files = Object.fromEntries(Object.entries(unzipSync(await download(page, page.getByTestId('export-c')))).map(([name, bytes]) => [name, strFromU8(bytes)]));
  expect(files['bitnet.h']).toMatch(new RegExp(`#define BITNET_INPUT_SIZE ${IMAGE_BYTES}\\b`));
  expect(files['bitnet.h']).toMatch(/#define BITNET_INPUT_CHANNELS 3\b/);
  const onnx = await download(page, page.getByTestId('export-onnx'));
  const { validation } = expected;
  // The page measured its integer model (the C) on its validation split: the same images give the same figure.
  const { agree, cPercent, pagePercent } = await exportAgreement(files, onnx, validation, 3, 'bitnet-rgb-');
  console.log(`own RGB images e2e: C ${cPercent} %, page ${pagePercent} %, C and ONNX identical on ${agree} of ${validation.count}`);
  expect(agree).toBe(validation.count);
  expect(pagePercent).toBe(cPercent);

  // The WGSL kernels (or the CPU reference without WebGPU) take the 1,200-value images too.
  await page.getByTestId('kernel-eval').click();
  await expect(page.getByTestId('kernel-eval-acc')).toHaveText(/%/, { timeout: 60_000 });
  console.log(`own RGB images e2e, kernels: ${await page.getByTestId('kernel-eval-result').textContent()}`);
  expect(Number.parseFloat((await page.getByTestId('kernel-eval-agreement').textContent()) ?? '')).toBe(100);

  // A drawing in a red pen is converted as a photo of a red shape on white would be (inverted as they were): red.
  await expect(page.getByTestId('model-input')).toHaveAttribute('data-channels', '3');
  await page.getByTestId('draw-pen-color').fill('#ff0000');
  await draw(page, [Array.from({ length: 41 }, (_, i) => [140 + 70 * Math.cos((i / 40) * 2 * Math.PI), 140 + 70 * Math.sin((i / 40) * 2 * Math.PI)] as [number, number])]);
  await expect(page.getByTestId('prediction')).toHaveText('red', { timeout: 15_000 });

  const step = await playground.stepCount();
  await page.reload();
  await expect(playground.backend).toHaveText(/webgpu|webgl|wasm|cpu/, { timeout: 60_000 });
  await expect(page.getByTestId('dataset-summary')).toContainText('9,000 train', { timeout: 60_000 });
  await playground.openTab('runs');
  const row = page.getByTestId('run-row').first();
  await expect(row.getByTestId('run-dataset')).toHaveText('own (20×20 RGB)');
  // The page waits for the images with the run on offer, and offers its conversion for loading them again.
  await playground.openOwnImages();
  await expect(page.getByTestId('own-images-side')).toHaveValue(String(SIDE));
  await expect(page.getByTestId('own-images-color')).toHaveValue('rgb');
  await playground.loadOwnZip('colours.zip', zip);
  await expect(page.getByTestId('own-data-drop')).toContainText('20×20 RGB');
  await playground.openTab('runs');
  await row.getByTestId('run-resume').click();
  await expect(playground.step).toHaveText(String(step), { timeout: 30_000 });
});
