/**
 * Own images, end to end: a zip of Fashion-MNIST PNGs in class folders loads with the right counts, trains with
 * the cnn preset, and its C export (built with cc), ONNX Runtime and the page agree on the held-out images; a
 * folder of generated shape photos loads through the directory input, is inverted, trains, and a drawn shape is
 * named; refused input gets its message and the data set already there stays.
 */
import { readFileSync } from 'node:fs';
import type { Download, Locator, Page } from '@playwright/test';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { decodeOnnx } from '../src/core/export/onnxExport';
import { encodePng } from '../src/core/data/png';
import { runExample } from '../scripts/cToolchain';
import type { Stroke } from './drawing';
import { draw } from './drawing';
import { exportAgreement } from './exportAgreement';
import { FASHION_FOLDERS, fashionZip, loadZipInNode, shapesDirectory } from './imageFolders';
import { expect, test } from './playground';

async function download(page: Page, button: Locator): Promise<Uint8Array> {
  const [file]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), button.click()]);
  return new Uint8Array(readFileSync(await file.path()));
}

test('a zip of 2,000 Fashion-MNIST PNGs trains with cnn; C, ONNX Runtime and the page agree on the held-out images', async ({ playground, page }) => {
  test.setTimeout(9 * 60_000);
  const zip = fashionZip(2000);
  const expected = await loadZipInNode(zip, 'fashion.zip');
  await playground.open('?preset=cnn&epochs=30');
  await playground.loadOwnZip('fashion.zip', zip);
  expect(await playground.ownClassCounts()).toEqual(Object.fromEntries(expected.report.classNames.map((name, c) => [name, expected.report.counts[c]![0] + expected.report.counts[c]![1]])));
  expect(expected.report.classNames).toEqual([...FASHION_FOLDERS].sort());
  await expect(page.getByTestId('own-data-summary').locator('li').first()).toContainText(`${expected.report.classNames[0]} ${expected.report.counts[0]![0] + expected.report.counts[0]![1]}`);
  await expect(page.getByTestId('dataset-summary')).toContainText(`${expected.train.count.toLocaleString('en-US')} train / ${expected.validation.count} validation`);
  await expect(page.getByTestId('own-data-summary').locator('canvas')).toHaveCount(10);

  await playground.startTraining();
  await expect.poll(() => playground.validationPercent(), { timeout: 6 * 60_000, intervals: [2000] }).toBeGreaterThanOrEqual(80);
  await playground.pause();

  await playground.openTab('deploy');
  const files = Object.fromEntries(Object.entries(unzipSync(await download(page, page.getByTestId('export-c')))).map(([name, bytes]) => [name, strFromU8(bytes)]));
  expect(files['bitnet.h']).toContain('#define BITNET_NUM_CLASSES 10 ');
  expect(files['bitnet_model.c']).toContain('"Ankle boot",');
  const onnx = await download(page, page.getByTestId('export-onnx'));
  const metadata = Object.fromEntries((decodeOnnx(onnx).metadataProps ?? []).map((p) => [p.key, p.value]));
  expect(JSON.parse(metadata.class_names!)).toEqual(expected.classNames);

  const { validation } = expected;
  // The page measured its integer model (the C) on its validation split: the same images give the same figure.
  const { dir, agree, cPercent, pagePercent } = await exportAgreement(files, onnx, validation, 10, 'bitnet-own-');
  expect(runExample(dir).ok).toBe(true);
  console.log(`own images e2e: C ${cPercent} %, page ${pagePercent} %, C and ONNX identical on ${agree} of ${validation.count}`);
  expect(agree / validation.count).toBeGreaterThanOrEqual(0.999);
  expect(pagePercent).toBe(cPercent);
});

/** A shape drawn on the 280×280 canvas, as the shape photos show them. */
function circle(cx: number, cy: number, r: number): Stroke {
  return Array.from({ length: 41 }, (_, i) => [cx + r * Math.cos((i / 40) * 2 * Math.PI), cy + r * Math.sin((i / 40) * 2 * Math.PI)] as [number, number]);
}

test('a folder of shape photos loads through the directory input, is inverted, trains, and a drawn circle is named', async ({ playground, page }) => {
  test.setTimeout(6 * 60_000);
  const directory = shapesDirectory(40, 11);
  await playground.open('?preset=cnn&epochs=30');
  await playground.loadOwnFolder(directory);
  expect(await playground.ownClassCounts()).toEqual({ circle: 40, square: 40, triangle: 40 });
  await expect(page.getByTestId('own-data-summary')).toContainText('circle 40');
  await expect(page.getByTestId('own-data-inversion')).toHaveText(/^images inverted: white background → black.*\(light backgrounds found\)$/);
  await playground.startTraining();
  await expect.poll(() => playground.validationPercent(), { timeout: 4 * 60_000, intervals: [2000] }).toBeGreaterThanOrEqual(95);
  // The run may finish on its own between the poll and the click: paused or done, it then holds still.
  if ((await playground.status.textContent()) === 'training') await playground.trainToggle.click();
  await expect(playground.status).toHaveText(/paused|done/, { timeout: 30_000 });
  await draw(page, [circle(140, 140, 80)]);
  await expect(page.getByTestId('prediction')).toHaveText('circle', { timeout: 15_000 });
});

test('refused input (one class, not a zip, a zip bomb, 101 classes) gets a message naming the problem, and the data set already loaded stays', async ({ playground, page }) => {
  await playground.open();
  const one = zipSync({ 'set/only/1.png': encodePng(new Uint8Array(16), 4, 4, 1), 'set/only/2.png': encodePng(new Uint8Array(16).fill(9), 4, 4, 1) });
  await playground.openOwnImages();
  await page.getByTestId('own-images-input').setInputFiles({ name: 'one.zip', mimeType: 'application/zip', buffer: Buffer.from(one) });
  await expect(page.getByTestId('own-data-error')).toContainText(/class/);
  await page.getByTestId('own-images-input').setInputFiles({ name: 'bad.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
  await expect(page.getByTestId('own-data-error')).toContainText('not a zip archive');
  const bomb = zipSync({ 'a/bomb.png': new Uint8Array(8 * 1024 * 1024), 'b/1.png': encodePng(new Uint8Array(16), 4, 4, 1) });
  await page.getByTestId('own-images-input').setInputFiles({ name: 'bomb.zip', mimeType: 'application/zip', buffer: Buffer.from(bomb) });
  await expect(page.getByTestId('own-data-error')).toContainText('"a/bomb.png" expands');
  const many = zipSync(Object.fromEntries(Array.from({ length: 101 }, (_, c) => [`c${c}/1.png`, encodePng(new Uint8Array(16).fill(c), 4, 4, 1)])));
  await page.getByTestId('own-images-input').setInputFiles({ name: 'many.zip', mimeType: 'application/zip', buffer: Buffer.from(many) });
  await expect(page.getByTestId('own-data-error')).toContainText('101 class folders; the limit is 100');
  await expect(page.getByTestId('dataset-summary')).toContainText('9,000 train');
  await expect(playground.datasetSelect).toHaveValue('mnist-10k');
});
