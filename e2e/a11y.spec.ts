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
