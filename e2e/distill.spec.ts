/** Knowledge distillation as a user meets it: a kept run teaches a smaller network, in the page. */
import { expect, test, openTab } from './playground';

test('a kept run teaches a smaller network: the worker takes it with its accuracy, training goes on with it, and α alone says it does nothing', async ({ playground, page }) => {
  test.setTimeout(180_000);
  await playground.open('?backend=wasm');
  // The teacher: the default network, trained a little and kept in the run list.
  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(80);
  await playground.pause();
  await expect.poll(() => playground.validationPercent(), { timeout: 30_000 }).toBeGreaterThan(50);
  const teacherPercent = await playground.validationPercent();
  const step = await playground.stepCount();
  await expect(page.getByTestId('autosave-status')).toHaveText(`Autosaved in this browser at step ${step}.`, { timeout: 30_000 });

  // The student: a smaller network, with α set before any teacher is chosen.
  await openTab(page, 'settings');
  await page.getByTestId('layers-text').fill('flatten,dense:16');
  await playground.showAdvancedSettings();
  await page.getByTestId('config-distillWeight').fill('0.8');
  const status = page.getByTestId('distill-status');
  await expect(status).toContainText('No teacher chosen: α = 0.8 has no effect');
  await expect.poll(() => new URL(page.url()).searchParams.get('distillWeight')).toBe('0.8');

  const teacherSelect = page.getByTestId('distill-teacher');
  await expect(teacherSelect.locator('option')).toHaveCount(2);
  await teacherSelect.selectOption({ index: 1 });
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(status).toContainText('Teacher: seed · 784-128-10 · mnist-10k');
  await expect(status).toContainText('α = 0.8, T = 4');
  // The worker evaluated the lent weights itself: they score what the run scored (wrong weights would be near 10 %).
  const lentPercent = 100 * Number(await status.getAttribute('data-validation-accuracy'));
  expect(Math.abs(lentPercent - teacherPercent)).toBeLessThan(5);

  // The button reads Resume after a pause; the new layers start a new run from scratch.
  await playground.trainToggle.click();
  await expect(playground.status).toHaveText('training');
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(30);
  await playground.pause();
  await expect(playground.errorBanner).toHaveCount(0);
  await expect.poll(() => playground.validationPercent(), { timeout: 30_000 }).toBeGreaterThan(30);

  // A bad α gets the form's message; no teacher again says so.
  await openTab(page, 'settings');
  await page.getByTestId('config-distillWeight').fill('2');
  await playground.trainToggle.click();
  await expect(playground.errorBanner).toContainText('distillation weight must be between 0 and 1, got 2.');
  await expect(playground.status).toHaveText('paused');
  await page.getByTestId('config-distillWeight').fill('0.5');
  await teacherSelect.selectOption('');
  await expect(status).toHaveAttribute('data-state', 'none');
  await expect(status).toContainText('No teacher chosen: α = 0.5 has no effect');
});
