/** Runs kept and shared: the run list (resume, download, delete), the comparison of runs, and share links. */
import { expect, test, openTab } from './playground';

test('a copied link opens the same setup field for field in a fresh browser context, without debug parameters', async ({ playground, page, browser }) => {
  await playground.open('?backend=wasm');
  await openTab(page, 'settings');
  await page.getByTestId('config-learningRate').fill('0.01');
  await page.getByTestId('config-epochs').fill('3');
  await page.getByTestId('config-seed').fill('1234');
  await page.getByTestId('layers-text').fill('flatten,dense:64,dense:32');
  await page.getByLabel('Weight quantizer').selectOption('absmean');
  await page.getByLabel('Normalization').selectOption('none');
  await playground.showAdvancedSettings();
  await page.getByTestId('config-optimizer').selectOption('muon');
  await page.getByTestId('config-emaDecay').fill('0.998');
  // The address bar follows the form and keeps the debug parameter it was opened with.
  await expect.poll(() => new URL(page.url()).searchParams.get('learningRate')).toBe('0.01');
  expect(new URL(page.url()).searchParams.get('backend')).toBe('wasm');

  await openTab(page, 'runs');
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('share-link').inputValue();
  const params = new URL(link).searchParams;
  expect(params.get('backend')).toBeNull();
  expect(params.get('layers')).toBe('flatten,dense:64,dense:32');
  expect(params.get('optimizer')).toBe('muon');
  expect(params.get('emaDecay')).toBe('0.998');

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link.replace(/^https?:\/\/[^/]+/, playground.page.url().replace(/^(https?:\/\/[^/]+).*$/, '$1')));
  await expect(other.getByTestId('dataset-summary')).toContainText('9,000 train', { timeout: 60_000 });
  await expect(other.getByTestId('preset-picker').getByTestId('preset-select')).toHaveValue('seed');
  await expect(other.getByTestId('config-learningRate')).toHaveValue('0.01');
  await expect(other.getByTestId('config-epochs')).toHaveValue('3');
  await expect(other.getByTestId('config-seed')).toHaveValue('1234');
  await expect(other.getByTestId('config-batchSize')).toHaveValue('100');
  await expect(other.getByTestId('layers-text')).toHaveValue('flatten,dense:64,dense:32');
  await expect(other.getByLabel('Weight quantizer')).toHaveValue('absmean');
  await expect(other.getByLabel('Normalization')).toHaveValue('none');
  await expect(other.getByTestId('config-optimizer')).toHaveValue('muon');
  await expect(other.getByTestId('config-emaDecay')).toHaveValue('0.998');
  await expect(other.getByLabel('Activation quantizer')).toHaveValue('sign');
  await expect(other.getByTestId('error-banner')).toHaveCount(0);
  await fresh.close();
});

test('a hostile link gets a message and the preset, never a broken page', async ({ playground, page }) => {
  await page.goto('/?learningRate=1e9&hidden=128,<b>x</b>&backend=wasm');
  await expect(playground.errorBanner).toContainText("The link's settings are not valid");
  await expect(playground.errorBanner).toContainText('The preset is used instead');
  await expect(page.getByTestId('dataset-summary')).toContainText('9,000 train', { timeout: 60_000 });
  await expect(page.getByTestId('config-learningRate')).toHaveValue('0.006');
  await expect(page.getByTestId('layers-text')).toHaveValue('flatten,dense:128');
  await page.goto('/?preset=seed&mystery=1');
  await expect(playground.errorBanner).toContainText('does not know (mystery)');
});

test('the run list keeps each run; runs compare with labels from their differences; a run resumes, downloads and deletes', async ({ playground, page }) => {
  test.setTimeout(180_000);
  await playground.open('?backend=wasm');
  const trainBriefly = async () => {
    // Train, or Resume after a setting changed (which starts a new run from scratch).
    await playground.trainToggle.click();
    await expect(playground.status).toHaveText('training');
    await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(10);
    await playground.pause();
    const step = await playground.stepCount();
    await expect(page.getByTestId('autosave-status')).toHaveText(`Autosaved in this browser at step ${step}.`, { timeout: 30_000 });
    return step;
  };
  const firstStep = await trainBriefly();
  await openTab(page, 'settings');
  await page.getByTestId('config-learningRate').fill('0.02');
  await trainBriefly();

  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('run-label')).toHaveText(['learningRate 0.02', 'learningRate 0.006']);
  await expect(page.getByTestId('compare-runs')).toHaveAttribute('data-runs', '2');
  await openTab(page, 'runs');
  await page.getByTestId('compare-runs').locator('summary').click();
  await expect(page.getByTestId('compare-loss')).toHaveAttribute('data-lines', '2');
  const legend = page.getByTestId('compare-loss').locator('.recharts-legend-item');
  await expect(legend).toHaveCount(2);
  expect((await legend.allTextContents()).sort()).toEqual(['learningRate 0.006', 'learningRate 0.02']);
  await openTab(page, 'runs');
  await rows.nth(1).getByTestId('run-compare').check();
  await expect(page.getByTestId('compare-runs')).toHaveAttribute('data-runs', '1');

  // The list survives a reload; the older run resumes at its step with its config.
  await page.reload();
  await playground.open('?backend=wasm');
  await expect(rows).toHaveCount(2);
  await openTab(page, 'runs');
  await rows.nth(1).getByTestId('run-resume').click();
  await expect(playground.step).toHaveText(String(firstStep), { timeout: 30_000 });
  await expect(page.getByTestId('config-learningRate')).toHaveValue('0.006');

  const [download] = await Promise.all([page.waitForEvent('download'), rows.nth(0).getByTestId('run-download').click()]);
  expect(download.suggestedFilename()).toMatch(/^bitnet-(seed|custom)-step\d+\.safetensors$/);

  await rows.nth(0).getByTestId('run-delete').click();
  await expect(rows).toHaveCount(1);
  await expect(playground.errorBanner).toHaveCount(0);

  // A link's config wins over the autosave, which stays on offer.
  await page.goto('/?preset=seed&learningRate=0.03&backend=wasm');
  await openTab(page, 'runs');
  await expect(page.getByTestId('resume-run')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('config-learningRate')).toHaveValue('0.03');
});

test('storage that refuses (private mode, quota) gets a message, and training works as before', async ({ playground, page }) => {
  await page.addInitScript(() => {
    IDBFactory.prototype.open = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await playground.open('?backend=wasm');
  await expect(playground.errorBanner).toContainText("Could not read the saved runs in this browser's storage (QuotaExceededError");
  await page.getByRole('button', { name: 'Dismiss error' }).click();
  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(5);
  await playground.pause();
  await expect(playground.errorBanner).toContainText('Could not autosave the run', { timeout: 30_000 });
  await expect(playground.errorBanner).toContainText('training goes on');
});
