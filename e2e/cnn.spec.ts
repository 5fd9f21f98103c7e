/**
 * Convolutional ternary networks in the page: the layer editor (rows, text, a shape that does not fit), training
 * the cnn preset, conv filters as k×k tiles per input channel, the kernel evaluation, the feature maps of a drawn
 * digit, and both exports.
 */
import { DIGITS, draw } from './drawing';
import { expect, test, openTab } from './playground';

test('a CNN is designed in the layer editor, trains, shows its filters and feature maps, and exports to C and ONNX', async ({ playground, page }) => {
  test.setTimeout(240_000);
  await playground.open('?backend=wasm');
  await playground.presetSelect.selectOption('cnn');
  const rows = page.getByTestId('layer-row');
  await expect(rows).toHaveCount(6);
  await expect(rows.first()).toHaveAttribute('data-layer', 'conv2d 32 3×3 same');
  await expect(page.getByTestId('layer-plan')).toContainText('conv 28×28×1→28×28×32, pooled 14×14×32');

  // A shape that does not fit gets core's message at once, and Train refuses it with the same message.
  await openTab(page, 'settings');
  await page.getByTestId('layers-text').fill('conv2d:8:3:4:same,conv2d:8:3:4:same,conv2d:8:3:4:same,maxpool2d:2,flatten');
  await expect(page.getByTestId('layer-error')).toContainText('cannot pool a 1×1×8 map');
  await playground.trainToggle.click();
  await expect(playground.errorBanner).toContainText('cannot pool a 1×1×8 map');
  await expect(playground.status).toHaveText('idle');

  // Rows: remove the third conv layer and its pool is fine again; move, then undo the move.
  await openTab(page, 'settings');
  await page.getByTestId('reset-to-preset').click();
  await expect(rows).toHaveCount(6);
  await page.getByTestId('layer-down').first().click();
  await expect(page.getByTestId('layer-error')).toContainText('must come right after a conv2d');
  await page.getByTestId('layer-up').nth(1).click();
  await expect(page.getByTestId('layer-error')).toHaveCount(0);
  await page.getByTestId('layer-add').click();
  await expect(rows).toHaveCount(7);
  await page.getByTestId('layer-remove').last().click();
  await expect(page.getByTestId('layers-text')).toHaveValue('conv2d:32:3:1:same,maxpool2d:2,conv2d:32:3:1:same,maxpool2d:2,flatten,dense:128');

  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 120_000 }).toBeGreaterThan(30);
  await playground.pause();

  // Conv filters as 3×3 tiles; the second conv layer has 32 input channels to choose from.
  await openTab(page, 'inspect');
  const layerSelect = page.getByLabel('Layer', { exact: true });
  await expect(layerSelect.locator('option')).toHaveText(['layer 1 (conv 3×3×1→32)', 'layer 2 (conv 3×3×32→32)', 'layer 3 (1568→128)', 'layer 4 (128→10)']);
  await layerSelect.selectOption({ index: 1 });
  await expect(page.getByTestId('heatmap-channel').locator('option')).toHaveCount(32);
  await openTab(page, 'inspect');
  await page.getByTestId('heatmap-channel').selectOption({ index: 5 });
  const heatmap = page.getByTestId('weight-heatmap');
  await expect.poll(async () => heatmap.evaluate((canvas: HTMLCanvasElement) => [canvas.width, canvas.height])).toEqual([6 * 4 - 1, 6 * 4 - 1]);

  // The kernel evaluation runs the CNN on the WGSL conv and pool kernels and agrees with tfjs.
  await openTab(page, 'deploy');
  await page.getByTestId('kernel-eval').click();
  await expect(page.getByTestId('kernel-eval-result')).toContainText('conv + conv', { timeout: 120_000 });
  const agreement = Number.parseFloat((await page.getByTestId('kernel-eval-agreement').textContent()) ?? '');
  expect(agreement).toBeGreaterThanOrEqual(99.9);

  // A drawn digit shows what each conv layer's filters respond to.
  await draw(page, DIGITS[7]!);
  await expect(page.getByTestId('prediction')).not.toHaveText('', { timeout: 30_000 });
  const maps = page.getByTestId('feature-map');
  await expect(maps).toHaveCount(2);
  await expect(maps.first()).toHaveAttribute('data-channels', '32');
  await expect(maps.first()).toContainText('32 maps of 14×14');

  // Both exports take CNNs: integer-only C (conv and pool in the engine) and ONNX.
  await openTab(page, 'deploy');
  const [cZip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-c').click()]);
  expect(cZip.suggestedFilename()).toBe('bitnet-cnn-c.zip');
  await expect(page.getByTestId('export-result')).toHaveAttribute('data-ok', 'true', { timeout: 120_000 });
  await expect(page.getByTestId('export-result')).toContainText('bitnet-cnn-c.zip');
  await page.getByTestId('export-onnx').click();
  await expect(page.getByTestId('export-result')).toContainText('bitnet-cnn.onnx', { timeout: 60_000 });
});

for (const backend of ['webgpu', 'webgl', 'cpu'] as const) {
  test(`conv layers train on ${backend} too (stride 2, 'valid', a pool)`, async ({ playground, page }) => {
    test.setTimeout(180_000);
    await playground.open(`?backend=${backend}`);
    await expect(playground.backend).toHaveText(backend);
    await playground.presetSelect.selectOption('cnn');
    await openTab(page, 'settings');
    await page.getByTestId('layers-text').fill('conv2d:4:3:2:same,maxpool2d:2,conv2d:6:3:1:valid,flatten,dense:16');
    await expect(page.getByTestId('layer-error')).toHaveCount(0);
    await playground.startTraining();
    await expect.poll(() => playground.stepCount(), { timeout: 150_000 }).toBeGreaterThanOrEqual(3);
    await playground.pause();
    const loss = Number.parseFloat((await playground.loss.textContent()) ?? '');
    expect(Number.isFinite(loss)).toBe(true);
    await expect(playground.errorBanner).toHaveCount(0);
  });
}
