/**
 * The page on a 390×844 touch phone (issue #38): never wider than the screen, whatever it shows; Train/Pause stays
 * reachable while the page scrolls; a digit drawn with a finger is answered.
 */
import { expect, test, openTab, type Playground } from './playground';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

async function expectNoOverflow(playground: Playground, state: string): Promise<void> {
  const widths = await playground.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(widths.scroll, state).toBeLessThanOrEqual(widths.inner);
}

/** A finger draws a "1": a vertical stroke down the middle of the canvas, as real touch events (CDP). */
async function drawOneByTouch(playground: Playground): Promise<void> {
  const page = playground.page;
  const canvas = page.getByTestId('draw-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const x = box.x + box.width / 2;
  const session = await page.context().newCDPSession(page);
  const touch = async (type: 'touchStart' | 'touchMove' | 'touchEnd', y: number) =>
    session.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y: box.y + box.height * y }] });
  await touch('touchStart', 0.2);
  for (let i = 1; i <= 12; i++) await touch('touchMove', 0.2 + i * 0.05);
  await touch('touchEnd', 0.8);
  await session.detach();
}

test('no state of the page is wider than a phone; Train stays reachable; a touch-drawn digit is answered', async ({ playground, page }) => {
  test.setTimeout(300_000);
  // One short epoch of large batches: a run that ends in seconds.
  await playground.open('?backend=wasm&epochs=1&batchSize=1000');
  await expectNoOverflow(playground, 'idle');

  await playground.startTraining();
  await expectNoOverflow(playground, 'training');
  // Scrolled down to the canvas, Train/Pause is still on the screen.
  await drawOneByTouch(playground);
  const toggle = await playground.trainToggle.boundingBox();
  expect(toggle!.y).toBeGreaterThanOrEqual(0);
  expect(toggle!.y + toggle!.height).toBeLessThanOrEqual(844);
  await expect(playground.status).toHaveText('done', { timeout: 120_000 });
  await expectNoOverflow(playground, 'done');
  await expect(page.getByTestId('prediction')).toHaveText(/^[0-9]$/, { timeout: 30_000 });

  await openTab(page, 'inspect');
  await expect(page.getByTestId('misclassified-item').first()).toBeVisible({ timeout: 60_000 });
  await expectNoOverflow(playground, 'mistakes shown');

  // A second run: the list keeps both.
  await playground.reset.click();
  await playground.startTraining();
  await expect(playground.status).toHaveText('done', { timeout: 120_000 });
  await openTab(page, 'runs');
  await expect(page.getByTestId('run-row')).toHaveCount(2, { timeout: 30_000 });
  await expectNoOverflow(playground, 'run list with two runs');
  await page.getByTestId('compare-runs').locator('summary').click();
  await expect(page.getByTestId('compare-loss')).toBeVisible();
  await expectNoOverflow(playground, 'compare open');

  await openTab(page, 'deploy');
  await expect(page.getByTestId('deploy-panel')).toBeVisible();
  await expectNoOverflow(playground, 'deploy open');
});
