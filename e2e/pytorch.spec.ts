/**
 * The PyTorch round trip: the page exports its network as a PyTorch project, two DDP ranks (gloo, CPU) train it
 * for an epoch on the embedded data, and rank 0's last.safetensors loads back through "Load checkpoint": the curves
 * show, a drawn digit is answered, and the C export of the loaded weights builds and agrees with the page and with
 * PyTorch on the validation split. Needs Debian's python3-torch (CI installs it); skipped without it outside CI.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { imageSetFromIdx, splitEmbedded } from '../src/core/data/dataset';
import { buildHost, runHost, writeExport } from '../scripts/cToolchain';
import { runRanks, torchAvailable, writeProject } from '../scripts/pytorchProject';
import { DIGITS, draw } from './drawing';
import { expect, test } from './playground';

const DATA_DIR = new URL('../public/generated', import.meta.url).pathname;

test.skip(!torchAvailable() && !process.env.CI, 'python3-torch is not installed');

test('a PyTorch project trained by two DDP ranks loads back into the page, answers a drawn digit and exports C that agrees', async ({ playground, page }) => {
  test.setTimeout(5 * 60_000);
  await playground.open();
  await playground.openTab('deploy');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pytorch').click()]);
  expect(download.suggestedFilename()).toBe('bitnet-seed-pytorch.zip');
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const files = Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name.replace(/^bitnet-pytorch\//, ''), bytes]));
  expect(Object.keys(files)).toEqual(expect.arrayContaining(['train.py', 'model.py', 'config.json', 'README.md', 'requirements.txt']));
  expect(files['init.safetensors']).toBeUndefined(); // an untrained page: the project draws the seed's weights

  const dir = writeProject(files, 'bitnet-e2e-pytorch-');
  const run = await runRanks(dir, ['--data', DATA_DIR, '--epochs', '1', '--out', join(dir, 'out'), '--device', 'cpu'], 2);
  expect(run.lines).toHaveLength(1);
  const torchAccuracy = run.lines[0]!.valAcc as number;
  expect(torchAccuracy).toBeGreaterThan(0.85);

  const checkpoint = readFileSync(join(dir, 'out', 'last.safetensors'));
  await playground.openTab('runs');
  await page.getByTestId('load-checkpoint').setInputFiles({ name: 'last.safetensors', mimeType: 'application/octet-stream', buffer: checkpoint });
  await expect(playground.step).toHaveText(String(run.lines[0]!.step), { timeout: 30_000 });
  await expect(playground.errorBanner).toHaveCount(0);
  await expect.poll(() => playground.chartPoints(playground.lossChart), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(() => playground.validationPercent(), { timeout: 30_000 }).toBeGreaterThan(85);
  const pagePercent = await playground.validationPercent();

  await draw(page, DIGITS[3]!);
  await expect(page.getByTestId('prediction')).toHaveText(/^\d$/, { timeout: 15_000 });

  await playground.openTab('deploy');
  const [cZip] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-c').click()]);
  const cFiles = Object.fromEntries(Object.entries(unzipSync(new Uint8Array(readFileSync(await cZip.path())))).map(([name, bytes]) => [name, strFromU8(bytes)]));
  const cDir = writeExport(cFiles, 'bitnet-e2e-pytorch-c-');
  const binary = buildHost(cDir);
  const read = (name: string) => new Uint8Array(readFileSync(join(DATA_DIR, name)));
  const validation = splitEmbedded(imageSetFromIdx(read('mnist-10k-images.idx.gz'), read('mnist-10k-labels.idx.gz'), 'embedded')).validation;
  const predictions = runHost(binary, validation.pixels, validation.count).predictions;
  let correct = 0;
  for (let i = 0; i < validation.count; i++) if (predictions[i] === validation.labels[i]) correct++;
  const cPercent = (100 * correct) / validation.count;
  console.log(`pytorch e2e: PyTorch ${(100 * torchAccuracy).toFixed(1)} %, page ${pagePercent.toFixed(1)} %, C ${cPercent.toFixed(1)} % on ${validation.count} validation images`);
  expect(Math.abs(cPercent - pagePercent)).toBeLessThanOrEqual(1);
  expect(Math.abs(pagePercent - 100 * torchAccuracy)).toBeLessThanOrEqual(1);
  for (const folder of [dir, cDir]) rmSync(folder, { recursive: true, force: true });
});
