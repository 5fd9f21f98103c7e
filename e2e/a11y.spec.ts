/** axe-core finds no WCAG 2 A/AA violations in the page's main states (issue #38). */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, openTab, type Playground } from './playground';

test.use({ viewport: { width: 1400, height: 900 } });

async function expectAccessible(playground: Playground, state: string): Promise<void> {
  const results = await new AxeBuilder({ page: playground.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, state).toEqual([]);
}

test('no WCAG 2 A/AA violations idle, training, done, with Settings open and with Deploy open', async ({ playground, page }) => {
  test.setTimeout(300_000);
  await playground.open('?backend=wasm&epochs=1&batchSize=1000');
  await expectAccessible(playground, 'idle');
  await playground.startTraining();
  await expectAccessible(playground, 'training');
  await expect(playground.status).toHaveText('done', { timeout: 120_000 });
  await expectAccessible(playground, 'done');
  await openTab(page, 'settings');
  await expectAccessible(playground, 'settings open');
  await openTab(page, 'deploy');
  await expectAccessible(playground, 'deploy open');
});

test('every field and button in Settings has an accessible description', async ({ playground, page }) => {
  await playground.open('?backend=wasm');
  await playground.showAdvancedSettings();
  const panel = page.getByTestId('panel-settings');
  const controls = panel.locator('input, select, textarea, button');
  expect(await controls.count()).toBeGreaterThan(20);
  const undescribed = await controls.evaluateAll((elements) =>
    elements
      .filter((element) => {
        const ids = (element.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
        const text = ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? '').join('');
        return text.length === 0;
      })
      .map((element) => element.getAttribute('data-testid') ?? `${element.tagName.toLowerCase()} "${element.textContent?.trim() ?? ''}"`),
  );
  expect(undescribed).toEqual([]);
});
