/**
 * `npm run bench:train`: how fast the page trains, as users get it. Headless Chromium runs the production build
 * on the embedded data with the default preset. One JSON line per row, asserting nothing:
 * - per usable backend (forced with ?backend=): {"backend","stepMsTernary","stepMsFloat","stepRatio",
 *   "secondsTo90","secondsTo90FromLoad","longTasks","longestTaskMs"}; the step times come from the float twin
 *   trained alongside (same batches, interleaved), so the ratio is measured side by side;
 * - BENCH_AUTO_RUNS (default 3) rows {"backend":"auto","chosen",…} for the page's own choice, each in a fresh
 *   browser profile (no remembered measurement), and a summary row with their medians.
 * secondsTo90: from pressing Train (as soon as the page lets you) to 90 % validation accuracy;
 * secondsTo90FromLoad: from opening the page, so the backend measuring and the data loading count too.
 * longTasks / longestTaskMs: main-thread tasks over 50 ms from pressing Train to the end of the row.
 * BENCH_BACKENDS (comma-separated, default webgpu,wasm,cpu) chooses the forced rows.
 */
import type { Browser, Page } from 'playwright-core';
import { startPreviewAndBrowser } from './browser';

const PORT = 5195;
const TARGET = 90;
const TIMEOUT_MS = 180_000;
const forcedBackends = (process.env.BENCH_BACKENDS ?? 'webgpu,wasm,cpu').split(',').filter(Boolean);
const autoRuns = Number(process.env.BENCH_AUTO_RUNS ?? 3);

interface Row {
  backend: string;
  chosen?: string;
  stepMsTernary: number | null;
  stepMsFloat: number | null;
  stepRatio: number | null;
  secondsTo90: number | null;
  secondsTo90FromLoad: number | null;
  longTasks: number;
  longestTaskMs: number;
}

async function openPage(browser: Browser, url: string): Promise<{ page: Page; close: () => Promise<void> }> {
  // A new context is a fresh profile: empty IndexedDB, so no remembered backend measurement.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { longTasks: typeof tasks }).longTasks = tasks;
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => tasks.push({ start: entry.startTime, duration: entry.duration }))).observe({
      type: 'longtask',
      buffered: true,
    });
  });
  await page.goto(url);
  return { page, close: () => context.close() };
}

async function validationPercent(page: Page): Promise<number> {
  return Number.parseFloat((await page.getByTestId('metric-val-acc').textContent()) ?? '');
}

/** Presses Train as soon as the page is ready; returns the page-clock times of load start and of the press. */
async function pressTrainWhenReady(page: Page): Promise<{ trainAt: number }> {
  await page.getByTestId('dataset-summary').filter({ hasText: '9,000 train' }).waitFor({ timeout: TIMEOUT_MS });
  await page.getByTestId('status').filter({ hasText: /^idle$/ }).waitFor({ timeout: TIMEOUT_MS });
  const trainAt = await page.evaluate(() => performance.now());
  await page.getByTestId('train-toggle').click();
  return { trainAt };
}

/** Seconds from the press to TARGET % validation accuracy (null past the timeout), and from the page's load. */
async function timeTo90(page: Page, trainAt: number): Promise<{ fromTrain: number | null; fromLoad: number | null }> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await validationPercent(page)) >= TARGET) {
      const now = await page.evaluate(() => performance.now());
      return { fromTrain: (now - trainAt) / 1000, fromLoad: now / 1000 };
    }
    await page.waitForTimeout(100);
  }
  return { fromTrain: null, fromLoad: null };
}

/** Mean step times of the run and of its float twin over a few seconds of training side by side. */
async function stepTimesWithTwin(page: Page): Promise<{ ternary: number | null; float: number | null }> {
  await page.getByTestId('float-twin').check();
  const status = await page.getByTestId('status').textContent();
  if (status === 'idle' || status === 'paused') await page.getByTestId('train-toggle').click();
  const rate = page.getByTestId('twin-step-rate');
  try {
    await rate.waitFor({ timeout: 20_000 });
  } catch {
    // Builds before the twin could join a run mid-way (bench/beforeAfter.sh measures them too) start it with a
    // new run: reset, then train again with the twin checked (their short default run may also be done by now).
    if ((await page.getByTestId('status').textContent()) === 'training') {
      await page.getByTestId('train-toggle').click();
      await page.getByTestId('status').filter({ hasText: /^paused$/ }).waitFor({ timeout: 60_000 });
    }
    await page.getByTestId('reset').click();
    await page.getByTestId('status').filter({ hasText: /^idle$/ }).waitFor({ timeout: 60_000 });
    await page.getByTestId('train-toggle').click();
    await rate.waitFor({ timeout: 60_000 });
  }
  const ternary: number[] = [];
  const float: number[] = [];
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(1000);
    // Builds before the data attributes (bench/beforeAfter.sh measures them too) say it only in the text.
    const [t, f] = await rate.evaluate((el) => {
      const text = /ternary ([\d.]+) ms .*float ([\d.]+) ms/.exec(el.textContent ?? '');
      return [Number(el.getAttribute('data-step-ms') ?? text?.[1]), Number(el.getAttribute('data-twin-step-ms') ?? text?.[2])];
    });
    if (t! > 0 && f! > 0) {
      ternary.push(t!);
      float.push(f!);
    }
    if ((await page.getByTestId('status').textContent()) !== 'training') break;
  }
  const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
  return { ternary: mean(ternary), float: mean(float) };
}

async function longTasksSince(page: Page, since: number): Promise<{ longTasks: number; longestTaskMs: number }> {
  const tasks = await page.evaluate(() => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks);
  const during = tasks.filter((task) => task.start >= since);
  return { longTasks: during.length, longestTaskMs: Math.round(Math.max(0, ...during.map((task) => task.duration))) };
}

async function measureRow(browser: Browser, url: string, backend: string | null): Promise<Row> {
  const { page, close } = await openPage(browser, backend ? `${url}?backend=${backend}` : url);
  try {
    const { trainAt } = await pressTrainWhenReady(page);
    const reached = await timeTo90(page, trainAt);
    const chosen = (await page.getByTestId('backend').textContent()) ?? '?';
    const steps = backend ? await stepTimesWithTwin(page) : { ternary: null, float: null };
    const tasks = await longTasksSince(page, trainAt);
    return {
      backend: backend ?? 'auto',
      ...(backend ? {} : { chosen }),
      stepMsTernary: steps.ternary === null ? null : Number(steps.ternary.toFixed(2)),
      stepMsFloat: steps.float === null ? null : Number(steps.float.toFixed(2)),
      stepRatio: steps.ternary && steps.float ? Number((steps.ternary / steps.float).toFixed(3)) : null,
      secondsTo90: reached.fromTrain === null ? null : Number(reached.fromTrain.toFixed(1)),
      secondsTo90FromLoad: reached.fromLoad === null ? null : Number(reached.fromLoad.toFixed(1)),
      ...tasks,
    };
  } finally {
    await close();
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const { browser, url, close: stopBrowserAndServer } = await startPreviewAndBrowser(PORT);
try {
  for (const backend of forcedBackends) console.log(JSON.stringify(await measureRow(browser, url, backend)));
  const autoRows: Row[] = [];
  for (let i = 0; i < autoRuns; i++) {
    const row = await measureRow(browser, url, null);
    autoRows.push(row);
    console.log(JSON.stringify(row));
  }
  if (autoRows.length > 0) {
    console.log(
      JSON.stringify({
        backend: 'auto',
        summary: `median of ${autoRows.length} fresh page loads`,
        chosen: [...new Set(autoRows.map((row) => row.chosen))].join(','),
        secondsTo90: median(autoRows.flatMap((row) => (row.secondsTo90 === null ? [] : [row.secondsTo90]))),
        secondsTo90FromLoad: median(autoRows.flatMap((row) => (row.secondsTo90FromLoad === null ? [] : [row.secondsTo90FromLoad]))),
        longTasks: Math.max(...autoRows.map((row) => row.longTasks)),
        longestTaskMs: Math.max(...autoRows.map((row) => row.longestTaskMs)),
      }),
    );
  }
} finally {
  await stopBrowserAndServer();
}
