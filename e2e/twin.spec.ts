/** The float twin alongside: both curves, the accuracy gap and both step rates, live. */
import { expect, test, openTab } from './playground';

test('with float-twin on, both curves, the gap and both step rates show live; off, the twin stops', async ({ playground, page }) => {
  test.setTimeout(180_000);
  await playground.open('?backend=wasm');
  await openTab(page, 'settings');
  await page.getByTestId('float-twin').check();
  await playground.startTraining();
  const gap = page.getByTestId('twin-gap');
  await expect(gap).toHaveAttribute('data-gap', /^-?\d+\.\d\d$/, { timeout: 90_000 });
  await expect(gap).toContainText('ternary weights cost');
  await expect(page.getByTestId('twin-step-rate')).toContainText(/ternary [\d.]+ ms .* float [\d.]+ ms/);
  const lossLegend = playground.lossChart.locator('.live-chart-legend-item');
  await expect(lossLegend.filter({ hasText: 'train loss (ternary)' })).toHaveCount(1);
  await expect(lossLegend.filter({ hasText: 'float twin' })).toHaveCount(1);
  await expect(page.getByTestId('accuracy-chart').locator('.live-chart-legend-item').filter({ hasText: 'float twin validation' })).toHaveCount(1);
  // The gap moves as both networks train.
  const firstGap = await gap.getAttribute('data-gap');
  const firstStep = await playground.stepCount();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(firstStep + 25);
  await expect.poll(() => gap.getAttribute('data-gap'), { timeout: 60_000 }).not.toBe(firstGap);
  await playground.pause();
  // Each curve is one connected line across the chart's fixed slots (core/run/series.ts slotTable), most of them empty
  // while the validation series is sparse: one move-to, then line-to's only.
  for (const chart of [playground.lossChart, page.getByTestId('accuracy-chart')]) {
    const paths = await chart.locator('path.live-chart-line').evaluateAll((curves) => curves.map((curve) => curve.getAttribute('d') ?? ''));
    const drawn = paths.filter((d) => d.length > 0);
    expect(drawn.length).toBeGreaterThanOrEqual(2); // ternary and float twin
    for (const d of drawn) expect(d).toMatch(/^M[^M]*L[^M]*$/);
  }
  // The pointer over a chart reads out both curves at the nearest step.
  const accuracyChart = page.getByTestId('accuracy-chart');
  const box = (await accuracyChart.locator('svg').first().boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const readout = accuracyChart.getByTestId('chart-readout');
  await expect(readout).toContainText(/step \d+/);
  await expect(readout).toContainText(/validation: \d+\.\d\d %/);
  await expect(readout).toContainText(/float twin validation: \d+\.\d\d %/);
  await page.mouse.move(0, 0);
  await expect(readout).toHaveCount(0);
  await openTab(page, 'settings');
  await page.getByTestId('float-twin').uncheck();
  await expect(playground.errorBanner).toHaveCount(0);
});
