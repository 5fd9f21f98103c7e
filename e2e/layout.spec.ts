/**
 * The page at 1400×900 (issue #38): the core loop on the first screen before and during training, nothing in it
 * moving while a default run trains and finishes, and the Inspect figures after that run (no test placeholders
 * without a test split, every sparsity legend entry drawn, the accuracy-vs-sparsity labels inside the chart).
 */
import { expect, test, openTab, type Playground } from './playground';

test.use({ viewport: { width: 1400, height: 900 } });

const CORE_LOOP = ['preset-select', 'train-toggle', 'loss-chart', 'accuracy-chart', 'threshold-slider', 'sparsity-value', 'draw-canvas'];

async function expectCoreLoopOnFirstScreen(playground: Playground): Promise<void> {
  const page = playground.page;
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  for (const id of CORE_LOOP) {
    const box = await page.getByTestId(id).first().boundingBox();
    expect(box, id).not.toBeNull();
    expect(box!.y, id).toBeGreaterThanOrEqual(0);
    expect(box!.x, id).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height, id).toBeLessThanOrEqual(900);
    expect(box!.x + box!.width, id).toBeLessThanOrEqual(1400);
  }
}

test('the core loop stays on the first screen and does not move while a default run trains', async ({ playground, page }) => {
  test.setTimeout(600_000);
  await playground.open('?backend=wasm');
  await expectCoreLoopOnFirstScreen(playground);
  const canvasBefore = await page.getByTestId('draw-canvas').boundingBox();
  await page.evaluate(() => {
    const w = window as unknown as { layoutShift: number };
    w.layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
        if (!entry.hadRecentInput) w.layoutShift += entry.value;
      }
    }).observe({ type: 'layout-shift' });
  });

  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(100);
  await expectCoreLoopOnFirstScreen(playground);
  await expect(playground.status).toHaveText('done', { timeout: 480_000 });

  expect(await page.evaluate(() => (window as unknown as { layoutShift: number }).layoutShift)).toBeLessThanOrEqual(0.02);
  expect(await page.getByTestId('draw-canvas').boundingBox()).toEqual(canvasBefore);

  // The embedded data has no test split: no Test card, legend entry or column.
  await expect(page.getByTestId('metric-test-acc')).toHaveCount(0);
  await expect(page.getByTestId('accuracy-chart')).not.toContainText('test');
  await openTab(page, 'inspect');
  await expect(page.getByTestId('epoch-results').locator('tbody tr')).toHaveCount(5);
  await expect(page.getByTestId('epoch-results').locator('th')).toHaveText(['Epoch', 'Validation']);

  // Every line the sparsity legend lists is drawn, and the overall line is on top where it meets a layer's.
  const sparsity = page.getByTestId('sparsity-chart');
  for (const name of await sparsity.locator('.live-chart-legend-item').allTextContents()) {
    const key = name === 'overall' ? 'overall' : name.replace('layer ', 'layer');
    await expect(sparsity.locator(`path[data-line="${key}"]`)).toHaveAttribute('d', /^M.+L/);
  }
  await sparsity.scrollIntoViewIfNeeded();
  const overallOnTop = await sparsity.locator('path[data-line="overall"]').evaluate((path: SVGPathElement) => {
    // A point inside a dash (the dash pattern is 4 on, 3 off) halfway along the line.
    const length = Math.floor(path.getTotalLength() / 2 / 7) * 7 + 2;
    const point = path.getPointAtLength(length).matrixTransform(path.getScreenCTM()!);
    const hit = document.elementFromPoint(point.x, point.y);
    return hit === path ? 'overall' : (hit?.getAttribute('data-line') ?? hit?.tagName ?? 'nothing');
  });
  expect(overallOnTop).toBe('overall');

  // The sweep's chart keeps its tick labels, the current t's label and its axis titles inside its box.
  await page.getByTestId('sweep-threshold').click();
  const curve = page.getByTestId('acc-sparsity-curve');
  await expect.poll(async () => Number(await curve.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(5);
  await expect(curve.locator('svg.recharts-surface text', { hasText: /^t = 0\.70$/ })).toHaveCount(1);
  await expect(curve.locator('svg.recharts-surface text', { hasText: 'sparsity' })).toHaveCount(1);
  await expect(curve.locator('svg.recharts-surface text', { hasText: 'accuracy' })).toHaveCount(1);
  const clipped = await curve.locator('svg.recharts-surface').evaluate((svg) => {
    const frame = svg.getBoundingClientRect();
    return Array.from(svg.querySelectorAll('text'))
      .filter((text) => {
        const box = text.getBoundingClientRect();
        return box.width > 0 && (box.left < frame.left || box.top < frame.top || box.right > frame.right || box.bottom > frame.bottom);
      })
      .map((text) => text.textContent);
  });
  expect(clipped).toEqual([]);
});

test('the workbench tabs work from the keyboard, and the checklist ticks itself off and stays dismissed', async ({ playground, page }) => {
  await playground.open('?backend=wasm');
  await expect(page.getByRole('tab', { name: 'Inspect' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Inspect' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Deploy' })).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: 'Deploy' })).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.getByRole('tabpanel', { name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('tabpanel', { name: 'Deploy' })).toBeHidden();

  // Every button outside the settings form says what it does.
  const undescribed = await page.locator('button:not([role="tab"]):not(summary)').evaluateAll((buttons) =>
    buttons
      .filter((b) => !b.closest('[data-testid="panel-settings"] fieldset'))
      .filter((b) => b.getAttribute('aria-describedby') === null)
      .map((b) => b.textContent),
  );
  expect(undescribed).toEqual([]);

  await expect(page.getByTestId('checklist-trained')).toHaveAttribute('data-done', 'false');
  await page.getByTestId('step-once').click();
  await expect(page.getByTestId('checklist-trained')).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
  await page.getByTestId('checklist-dismiss').click();
  await expect(page.getByTestId('checklist')).toHaveCount(0);
  await page.reload();
  await playground.open('?backend=wasm');
  await expect(page.getByTestId('checklist')).toHaveCount(0);
});
