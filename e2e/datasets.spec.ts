import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from './playground';

/** A valid IDX file of unsigned bytes. */
function idx(dims: number[], fill: number): Buffer {
  const count = dims.reduce((a, b) => a * b, 1);
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
  return Buffer.concat([header, Buffer.alloc(count, fill)]);
}

const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

test('a corrupt dataset file shows a clear error and keeps the current data and model', async ({ playground, page }) => {
  await playground.open();
  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(3);
  await playground.pause();
  const stepsBefore = await playground.stepCount();

  const truncated = idx([20, 28, 28], 1).subarray(0, 1000);
  await page.getByText('Load full MNIST or Fashion-MNIST').click();
  await page.getByTestId('dataset-files').setInputFiles([
    file('train-images-idx3-ubyte', truncated),
    file('train-labels-idx1-ubyte', idx([20], 1)),
    file('t10k-images-idx3-ubyte.gz', gzipSync(idx([10, 28, 28], 2))),
    file('t10k-labels-idx1-ubyte.gz', gzipSync(idx([10], 3))),
  ]);
  await expect(playground.errorBanner).toContainText('truncated');
  await expect(playground.errorBanner).toContainText('train images');
  await expect(playground.status).toHaveText('paused');
  await expect(playground.datasetSelect).toHaveValue('mnist-10k');
  expect(await playground.stepCount()).toBe(stepsBefore);
  // Training goes on where it stopped.
  await playground.trainToggle.click();
  await expect.poll(() => playground.stepCount(), { timeout: 30_000 }).toBeGreaterThan(stepsBefore);
  await playground.pause();
});

test('labels out of range and mismatched counts are reported', async ({ playground, page }) => {
  await playground.open();
  await page.getByText('Load full MNIST or Fashion-MNIST').click();
  const labels = idx([20], 1);
  labels[4 + 4 + 7] = 12;
  await page.getByTestId('dataset-files').setInputFiles([
    file('train-images-idx3-ubyte', idx([20, 28, 28], 1)),
    file('train-labels-idx1-ubyte', labels),
    file('t10k-images-idx3-ubyte', idx([10, 28, 28], 2)),
    file('t10k-labels-idx1-ubyte', idx([9], 3)),
  ]);
  await expect(playground.errorBanner).toContainText('label 12 at index 7 is out of range');
});

test('valid user-chosen IDX files load as a full dataset with a test split', async ({ playground, page }) => {
  await playground.open();
  await page.getByText('Load full MNIST or Fashion-MNIST').click();
  await page.getByTestId('dataset-files').setInputFiles([
    file('train-images-idx3-ubyte.gz', gzipSync(idx([6000, 28, 28], 1))),
    file('train-labels-idx1-ubyte.gz', gzipSync(idx([6000], 1))),
    file('t10k-images-idx3-ubyte', idx([10, 28, 28], 2)),
    file('t10k-labels-idx1-ubyte', idx([10], 3)),
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('1,000 train / 5,000 validation / 10 test');
  await expect(playground.datasetSelect).toHaveValue('mnist');
});

test.describe('full MNIST from MNIST_DIR', () => {
  // playwright.config.ts hands the server MNIST_DIR, or the shared copy beside the project.
  test.skip(!process.env.MNIST_DIR && !existsSync(resolve(import.meta.dirname, '../../shared/data/mnist')), 'no full MNIST here');

  test('the server offers it, it loads with a test split, and the URL loader fetches the same files', async ({ playground, page }) => {
    test.setTimeout(180_000);
    await playground.open();
    await expect(playground.datasetSelect.locator('option[value="mnist"]')).toHaveCount(1);
    await playground.datasetSelect.selectOption('mnist');
    await expect(page.getByTestId('dataset-summary')).toContainText('55,000 train / 5,000 validation / 10,000 test', { timeout: 120_000 });

    // The URL loader (meant for the web) pointed at this server's copy: progress, parsing, same split.
    await playground.datasetSelect.selectOption('mnist-10k');
    await expect(page.getByTestId('dataset-summary')).toContainText('9,000 train');
    await page.getByText('Load full MNIST or Fashion-MNIST').click();
    await page.getByPlaceholder('https://…/mnist/').fill(`${new URL(page.url()).origin}/datasets/mnist/`);
    await page.getByRole('button', { name: 'Download', exact: true }).click();
    await expect(page.getByTestId('dataset-summary')).toContainText('55,000 train / 5,000 validation / 10,000 test', { timeout: 120_000 });
  });
});
