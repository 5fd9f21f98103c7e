/** Fitting a microcontroller: the budget meter follows the design live; augmentation shows what training sees. */
import { expect, test, openTab } from './playground';

test('the budget meter shows flash and RAM against the chosen chip, live while the layers change', async ({ playground, page }) => {
  await playground.open('?backend=wasm');
  const meter = page.getByTestId('mcu-budget');
  const flash = page.getByTestId('mcu-budget-flash');
  // seed (784-128-10) on a 16 KB / 2 KB part: about 24 KB of flash, too much.
  await expect(page.getByTestId('mcu-target')).toHaveValue('16k-2k');
  await expect(meter).toHaveAttribute('data-fits', 'false');
  await expect(page.getByTestId('mcu-budget-verdict')).toContainText('too much flash');
  await expect(page.getByTestId('mcu-budget-verdict')).toContainText('Layer 1 (784→128) costs most');
  const seedFlash = Number(await flash.getAttribute('data-used'));
  expect(seedFlash).toBe(Number(await page.getByTestId('deploy-figures').getAttribute('data-flash')));

  // The mcu-16k preset fits; narrower layers shrink the figure at once.
  await playground.presetSelect.selectOption('mcu-16k');
  await expect(meter).toHaveAttribute('data-fits', 'true');
  await expect(page.getByTestId('mcu-budget-verdict')).toContainText('Fits');
  const presetFlash = Number(await flash.getAttribute('data-used'));
  expect(presetFlash).toBeLessThanOrEqual(16_384);
  // Its 16×16 input is what makes it fit: on the 28×28 image the first layer alone is 784×128 trits.
  await expect(page.getByTestId('layer-editor')).toContainText('input 16×16×1');
  await openTab(page, 'settings');
  await page.getByTestId('config-inputResolution').selectOption('28');
  await expect(page.getByTestId('layer-editor')).toContainText('input 28×28×1');
  await expect(meter).toHaveAttribute('data-fits', 'false');
  await expect(page.getByTestId('mcu-budget-verdict')).toContainText('Layer 1 (784→128) costs most');
  await page.getByTestId('config-inputResolution').selectOption('16');
  await expect(meter).toHaveAttribute('data-fits', 'true');
  expect(Number(await flash.getAttribute('data-used'))).toBe(presetFlash);
  // Through the layer editor's rows: mcu-16k is flatten, dense 128, dense 128, dense 64.
  await page.getByTestId('layer-units').nth(0).fill('40');
  await page.getByTestId('layer-units').nth(1).fill('24');
  await expect.poll(async () => Number(await flash.getAttribute('data-used'))).toBeLessThan(presetFlash);

  // mcu-cnn-16k is made for 16 KB / 4 KB: its feature maps are too much RAM for 2 KB. The cnn preset's 28×28 maps
  // are too much even for 4 KB.
  await playground.presetSelect.selectOption('mcu-cnn-16k');
  await expect(meter).toHaveAttribute('data-fits', 'false');
  await expect(page.getByTestId('mcu-budget-verdict')).toContainText('too much RAM');
  await openTab(page, 'deploy');
  await page.getByTestId('mcu-target').selectOption('16k-4k');
  await expect(meter).toHaveAttribute('data-fits', 'true');
  await playground.presetSelect.selectOption('cnn');
  await expect(meter).toHaveAttribute('data-fits', 'false');
  await expect(page.getByTestId('mcu-budget-verdict')).toContainText('too much RAM');
  await openTab(page, 'deploy');
  await page.getByTestId('mcu-target').selectOption('16k-2k');
  await playground.presetSelect.selectOption('mcu-16k');

  // A bigger chip, then a custom one too small for it.
  await openTab(page, 'settings');
  await page.getByTestId('layers-text').fill('flatten,dense:256');
  await expect(meter).toHaveAttribute('data-fits', 'false');
  await openTab(page, 'deploy');
  await page.getByTestId('mcu-target').selectOption('64k-8k');
  await expect(meter).toHaveAttribute('data-fits', 'true');
  await page.getByTestId('mcu-target').selectOption('custom');
  await page.getByTestId('mcu-custom-flash').fill('8');
  await expect(page.getByTestId('mcu-budget-flash')).toHaveAttribute('data-budget', String(8 * 1024));
  await expect(meter).toHaveAttribute('data-fits', 'false');
});

test('augmentation and a 16×16 input show what training sees; with neither, the preview goes', async ({ playground, page }) => {
  await playground.open('?backend=wasm');
  await expect(page.getByTestId('augment-preview')).toHaveCount(0);
  await playground.presetSelect.selectOption('mcu-16k');
  const preview = page.getByTestId('augment-preview');
  await expect(preview.locator('canvas')).toHaveCount(8);
  await expect(preview).toHaveAttribute('data-side', '16');
  await expect(preview).toContainText('augmented samples, 16×16 area average');
  await expect(preview.locator('canvas').first()).toHaveAttribute('width', '16');
  await openTab(page, 'settings');
  await page.getByTestId('config-augmentShift').fill('0');
  await page.getByTestId('config-augmentRotation').fill('0');
  await page.getByTestId('config-augmentScale').fill('0');
  // Still reduced: the samples as the network takes them, without transforms.
  await expect(preview).toContainText('(samples, 16×16 area average)');
  await expect(preview.getByRole('button', { name: 'New transforms' })).toHaveCount(0);
  await page.getByTestId('config-inputResolution').selectOption('28');
  await expect(preview).toHaveCount(0);
  await page.getByTestId('config-augmentShift').fill('9');
  await page.getByTestId('train-toggle').click();
  await expect(playground.errorBanner).toContainText('augmentation shift (pixels) must be between 0 and 6');
});
