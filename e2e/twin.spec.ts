/** The float twin alongside: both curves, the accuracy gap and both step rates, live. */
import { expect, test } from './playground';

test('with float-twin on, both curves, the gap and both step rates show live; off, the twin stops', async ({ playground, page }) => {
  test.setTimeout(180_000);
  await playground.open('?backend=wasm');
  await page.getByTestId('float-twin').check();
  await playground.startTraining();
  const gap = page.getByTestId('twin-gap');
  await expect(gap).toHaveAttribute('data-gap', /^-?\d+\.\d\d$/, { timeout: 90_000 });
  await expect(gap).toContainText('ternary weights cost');
  await expect(page.getByTestId('twin-step-rate')).toContainText(/ternary [\d.]+ ms .* float [\d.]+ ms/);
  const lossLegend = playground.lossChart.locator('.recharts-legend-item');
  await expect(lossLegend.filter({ hasText: 'train loss (ternary)' })).toHaveCount(1);
  await expect(lossLegend.filter({ hasText: 'float twin' })).toHaveCount(1);
  await expect(page.getByTestId('accuracy-chart').locator('.recharts-legend-item').filter({ hasText: 'float twin validation' })).toHaveCount(1);
  // The gap moves as both networks train.
  const firstGap = await gap.getAttribute('data-gap');
  const firstStep = await playground.stepCount();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(firstStep + 25);
  await expect.poll(() => gap.getAttribute('data-gap'), { timeout: 60_000 }).not.toBe(firstGap);
  await playground.pause();
  await page.getByTestId('float-twin').uncheck();
  await expect(playground.errorBanner).toHaveCount(0);
});
