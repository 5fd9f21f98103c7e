/**
 * Deploy, as a new user does it: train the default preset briefly on the embedded data, download the C zip and the
 * ONNX file, and prove both with toolchains nobody here wrote: the system cc with the strict flags (the export's
 * own example checks its expected scores) and ONNX Runtime, which must predict what the C predicts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Download, Locator, Page } from '@playwright/test';
import { unzipSync, strFromU8 } from 'fflate';
import * as ort from 'onnxruntime-node';
import { imageSetFromIdx, splitEmbedded } from '../src/core/data/dataset';
import { argmaxRows } from '../src/core/model/referenceModel';
import { decodeOnnx } from '../src/core/export/onnxExport';
import { buildHost, runExample, runHost, writeExport } from '../scripts/cToolchain';
import { DIGITS, draw } from './drawing';
import { expect, test, openTab } from './playground';

/** Clicks an export button (under Deploy) and reads the file it downloads. */
async function download(page: Page, button: Locator): Promise<{ name: string; bytes: Uint8Array }> {
  await openTab(page, 'deploy');
  const [file]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), button.click()]);
  return { name: file.suggestedFilename(), bytes: new Uint8Array(readFileSync(await file.path())) };
}

function embeddedValidation() {
  const read = (name: string) => new Uint8Array(readFileSync(new URL(`../public/generated/${name}`, import.meta.url)));
  return splitEmbedded(imageSetFromIdx(read('mnist-10k-images.idx.gz'), read('mnist-10k-labels.idx.gz'), 'embedded')).validation;
}

/** The 10,000 MNIST test images when the full MNIST is here (../shared/data/mnist or MNIST_DIR), else the embedded validation split. */
function evaluationImages() {
  const dir = process.env.MNIST_DIR ?? resolve(import.meta.dirname, '../../shared/data/mnist');
  if (!existsSync(join(dir, 't10k-images-idx3-ubyte.gz'))) return { name: 'embedded validation images', set: embeddedValidation() };
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  return { name: 'MNIST test images', set: imageSetFromIdx(read('t10k-images-idx3-ubyte.gz'), read('t10k-labels-idx1-ubyte.gz'), 'MNIST test') };
}

async function onnxPredictions(bytes: Uint8Array, pixels: Uint8Array, count: number): Promise<Uint8Array> {
  const session = await ort.InferenceSession.create(bytes);
  const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels.subarray(0, count * 784)), [count, 784]) });
  return argmaxRows(output.logits!.data as Float32Array, count, 10);
}

test('after a short training both exports download; the C builds strictly and agrees with ONNX Runtime', async ({ playground, page }) => {
  test.setTimeout(5 * 60_000);
  await playground.open();
  await playground.startTraining();
  await expect.poll(() => playground.validationPercent(), { timeout: 3 * 60_000, intervals: [1000] }).toBeGreaterThan(85);
  await playground.pause();

  await expect(page.getByTestId('export-packing')).toHaveValue('base3');
  await expect(page.getByTestId('deploy-figures')).toContainText('bits per weight');
  const zip = await download(page, page.getByTestId('export-c'));
  expect(zip.name).toBe('bitnet-seed-c.zip');
  await expect(page.getByTestId('export-result')).toHaveAttribute('data-ok', 'true');
  const files = Object.fromEntries(Object.entries(unzipSync(zip.bytes)).map(([name, bytes]) => [name, strFromU8(bytes)]));
  expect(Object.keys(files).sort()).toEqual(
    ['README.md', 'bitnet.h', 'bitnet_engine.c', 'bitnet_model.c', 'bitnet_model.h', 'examples/main.c', 'examples/test_images.h'].sort(),
  );
  expect(files['bitnet.h']).toContain('int bitnet_predict(const uint8_t image[BITNET_INPUT_SIZE], int32_t scores[BITNET_NUM_CLASSES]);');
  expect(files['bitnet_model.h']).toContain('#define BITNET_TRITS_PER_BYTE 5');

  const dir = writeExport(files, 'bitnet-e2e-');
  const binary = buildHost(dir);
  const example = runExample(dir);
  expect(example.ok, example.output).toBe(true);

  const onnxFile = await download(page, page.getByTestId('export-onnx'));
  expect(onnxFile.name).toBe('bitnet-seed.onnx');
  const parsed = decodeOnnx(onnxFile.bytes);
  expect(Number(parsed.opsetImport[0]?.version?.toString())).toBeGreaterThanOrEqual(13);
  expect(parsed.graph?.initializer?.map((t) => t.name)).toContain('layer0.trits');

  const { name: imagesName, set: validation } = evaluationImages();
  const count = validation.count;
  const fromC = runHost(binary, validation.pixels, count).predictions;
  const fromOnnx = await onnxPredictions(onnxFile.bytes, validation.pixels, count);
  let agree = 0;
  let cCorrect = 0;
  let onnxCorrect = 0;
  for (let i = 0; i < count; i++) {
    if (fromC[i] === fromOnnx[i]) agree++;
    if (fromC[i] === validation.labels[i]) cCorrect++;
    if (fromOnnx[i] === validation.labels[i]) onnxCorrect++;
  }
  console.log(`deploy e2e: C ${(100 * cCorrect / count).toFixed(2)} %, ONNX ${(100 * onnxCorrect / count).toFixed(2)} %, identical predictions ${(100 * agree / count).toFixed(2)} % of ${count} ${imagesName}`);
  expect(agree / count).toBeGreaterThanOrEqual(0.995);
  expect(Math.abs(cCorrect - onnxCorrect) / count).toBeLessThanOrEqual(0.002);

  // The fastest packing builds too.
  await openTab(page, 'deploy');
  await page.getByTestId('export-packing').selectOption('base4');
  const fast = await download(page, page.getByTestId('export-c'));
  expect(strFromU8(unzipSync(fast.bytes)['bitnet_model.h']!)).toContain('#define BITNET_TRITS_PER_BYTE 4');
});

test('the float twin gets a clear message instead of a C export, and still exports ONNX', async ({ playground, page }) => {
  await playground.open();
  await openTab(page, 'settings');
  await page.getByLabel('Weight quantizer').selectOption('none');
  await expect(page.getByTestId('export-c')).toBeDisabled();
  await expect(page.getByTestId('export-c-unavailable')).toContainText('float weights');
  await page.getByTestId('step-once').click();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(0);
  const onnxFile = await download(page, page.getByTestId('export-onnx'));
  expect(onnxFile.name).toBe('bitnet-custom.onnx');
  const parsed = decodeOnnx(onnxFile.bytes);
  expect(parsed.graph?.initializer?.map((t) => t.name)).toContain('layer0.weight');
  const validation = embeddedValidation();
  expect((await onnxPredictions(onnxFile.bytes, validation.pixels, 16)).length).toBe(16);
});

test('a 16×16 model (mcu-16k, shift averaging) trains in the page, answers a drawn digit, and exports C and ONNX that take the 28×28 image and agree', async ({ playground, page }) => {
  test.setTimeout(5 * 60_000);
  await playground.open('?backend=wasm&preset=mcu-16k&epochs=2');
  await expect(page.getByTestId('config-inputResolution')).toHaveValue('16');
  await expect(page.getByTestId('config-shiftAveraging')).toBeChecked();
  await playground.startTraining();
  await expect.poll(() => playground.validationPercent(), { timeout: 3 * 60_000, intervals: [1000] }).toBeGreaterThan(80);
  await playground.pause();

  await draw(page, DIGITS[7]!);
  await expect(page.getByTestId('prediction')).toHaveText(/^\d$/, { timeout: 15_000 });
  // The drawn image's area average, as the network takes it, is shown beside the 28×28 image.
  const ink16 = await page.getByTestId('model-input-16').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, 16, 16).data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) ink += data[i]!;
    return ink;
  });
  expect(ink16).toBeGreaterThan(0);

  const zip = await download(page, page.getByTestId('export-c'));
  expect(zip.name).toBe('bitnet-custom-c.zip'); // the preset with fewer epochs
  const files = Object.fromEntries(Object.entries(unzipSync(zip.bytes)).map(([name, bytes]) => [name, strFromU8(bytes)]));
  expect(files['bitnet_model.h']).toContain('#define BITNET_AREA_AVERAGE_16 1');
  expect(files['bitnet_model.h']).toContain('#define BITNET_MODEL_INPUT_SIZE 256');
  expect(files['bitnet_model.h']).toContain('#define BITNET_SHIFT_AVERAGING 1'); // the preset's five passes
  expect(files['bitnet.h']).toContain('#define BITNET_INPUT_SIZE 784');
  const dir = writeExport(files, 'bitnet-e2e-16-');
  const binary = buildHost(dir);
  const example = runExample(dir);
  expect(example.ok, example.output).toBe(true);

  const onnxFile = await download(page, page.getByTestId('export-onnx'));
  const parsed = decodeOnnx(onnxFile.bytes);
  expect(parsed.graph?.initializer?.map((t) => t.name)).toEqual(expect.arrayContaining(['area_weights', 'shift_pads']));
  expect(parsed.graph?.node?.map((n) => n.opType)).toContain('ReduceSum');
  expect(parsed.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.[1]?.dimValue?.toString()).toBe('784');

  const validation = embeddedValidation();
  const count = validation.count;
  const fromC = runHost(binary, validation.pixels, count).predictions;
  const fromOnnx = await onnxPredictions(onnxFile.bytes, validation.pixels, count);
  let agree = 0;
  for (let i = 0; i < count; i++) if (fromC[i] === fromOnnx[i]) agree++;
  console.log(`deploy e2e, 16×16 input: identical C and ONNX predictions on ${(100 * agree / count).toFixed(2)} % of ${count} embedded validation images`);
  expect(agree / count).toBeGreaterThanOrEqual(0.995);

  // Shift averaging is inference only: unticked on the trained run, the run stays and the next C export is one pass.
  const steps = await playground.stepCount();
  await openTab(page, 'settings');
  await page.getByTestId('config-shiftAveraging').uncheck();
  const onePass = await download(page, page.getByTestId('export-c'));
  const onePassModel = strFromU8(unzipSync(onePass.bytes)['bitnet_model.h']!);
  expect(onePassModel).toContain('#define BITNET_SHIFT_AVERAGING 0');
  expect(await playground.stepCount()).toBe(steps);
});
