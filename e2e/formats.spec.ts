/**
 * Per-layer weight formats in the page: int8 and int4 layers chosen in the layer editor change the budget meter at
 * once, train, show their codes in the views, run on the WGSL kernels (kernels 6 and 7) for the kernel evaluation
 * and a drawn digit, and export to C and ONNX.
 */
import { DIGITS, draw } from './drawing';
import { expect, test, openTab } from './playground';

test('int8 and int4 layers: the budget meter follows, they train, the views and kernels show codes, both exports run', async ({ playground, page }) => {
  test.setTimeout(240_000);
  await playground.open('?backend=wasm');
  await playground.presetSelect.selectOption('mcu-cnn-16k');
  await openTab(page, 'deploy');
  await page.getByTestId('mcu-target').selectOption('16k-4k');
  const flash = page.getByTestId('mcu-budget-flash');
  // The preset: int8 in the first two conv layers, int4 in the output layer, ternary between.
  await expect(page.getByTestId('layers-text')).toHaveValue('conv2d:16:3:1:same:int8,maxpool2d:2,conv2d:32:3:1:same:int8,maxpool2d:2,conv2d:64:3:1:same,maxpool2d:2,flatten,dense:64');
  await expect(page.getByTestId('output-weights')).toHaveValue('int4');
  await expect(page.getByTestId('layer-plan')).toContainText('conv 16×16×1→16×16×16, pooled 8×8×16, int8');
  await expect(page.getByTestId('layer-plan')).toContainText('dense 64→10 (output), int4');
  await expect(page.getByTestId('mcu-budget')).toHaveAttribute('data-fits', 'true');
  const presetFlash = Number(await flash.getAttribute('data-used'));

  // All ternary: 4,608 second-layer weights at 1.6 bits instead of 8 take about 3.7 KB less flash, at once.
  await openTab(page, 'settings');
  await page.getByTestId('layer-weights').nth(0).selectOption('ternary');
  await page.getByTestId('layer-weights').nth(1).selectOption('ternary');
  await page.getByTestId('output-weights').selectOption('ternary');
  await expect(page.getByTestId('layers-text')).toHaveValue(/^conv2d:16:3:1:same,maxpool2d:2,conv2d:32:3:1:same,/);
  await expect(page.getByTestId('layer-plan')).not.toContainText('int');
  await expect.poll(async () => Number(await flash.getAttribute('data-used'))).toBeLessThan(presetFlash - 3_500);
  await openTab(page, 'settings');
  await page.getByTestId('layer-weights').nth(1).selectOption('int4');
  await expect(page.getByTestId('layers-text')).toHaveValue(/^conv2d:16:3:1:same,maxpool2d:2,conv2d:32:3:1:same:int4,/);

  // A small network of the same kinds trains quickly here.
  await page.getByTestId('layers-text').fill('conv2d:8:3:1:same:int8,maxpool2d:2,flatten,dense:32:int4');
  await page.getByTestId('output-weights').selectOption('int4');
  await expect(page.getByTestId('layer-weights')).toHaveCount(2);
  await expect(page.getByTestId('layer-weights').nth(1)).toHaveValue('int4');
  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 120_000 }).toBeGreaterThan(30);
  await playground.pause();

  // The views show codes, by sign and magnitude, with no threshold marks (t moves no integer code).
  const titles = page.getByTestId('sparsity-histogram').locator('.histogram-title');
  await expect(titles).toHaveCount(3);
  await expect(titles.nth(0)).toContainText('int8 < 0');
  await expect(titles.nth(1)).toContainText('int4 < 0');
  await expect(titles.nth(2)).toContainText('int4 < 0');
  // int4 has no zero level.
  await expect(page.getByTestId('sparsity-histogram').locator('.layer-histogram').nth(1)).toHaveAttribute('data-zero-share', '0.0000');

  // The kernel evaluation runs them on kernels 7 and 6 and agrees with tfjs.
  await openTab(page, 'deploy');
  await page.getByTestId('kernel-eval').click();
  await expect(page.getByTestId('kernel-eval-result')).toContainText('int8-conv + int8 + int8', { timeout: 120_000 });
  const agreement = Number.parseFloat((await page.getByTestId('kernel-eval-agreement').textContent()) ?? '');
  expect(agreement).toBeGreaterThanOrEqual(99.9);
  await draw(page, DIGITS[7]!);
  await expect(page.getByTestId('prediction')).not.toHaveText('', { timeout: 30_000 });

  // Both exports take integer-coded layers.
  await openTab(page, 'deploy');
  const [cZip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-c').click()]);
  expect(cZip.suggestedFilename()).toBe('bitnet-custom-c.zip');
  await expect(page.getByTestId('export-result')).toHaveAttribute('data-ok', 'true', { timeout: 120_000 });
  await page.getByTestId('export-onnx').click();
  await expect(page.getByTestId('export-result')).toContainText('.onnx', { timeout: 60_000 });
});
