/** Page object and fixture for the playground: e2e specs speak in user actions, not selectors. */
import { test as base, expect, type Locator, type Page } from '@playwright/test';

export class Playground {
  readonly trainToggle: Locator;
  readonly reset: Locator;
  readonly status: Locator;
  readonly backend: Locator;
  readonly datasetSelect: Locator;
  readonly presetSelect: Locator;
  readonly step: Locator;
  readonly epoch: Locator;
  readonly loss: Locator;
  readonly validationAccuracy: Locator;
  readonly testAccuracy: Locator;
  readonly lossChart: Locator;
  readonly errorBanner: Locator;

  constructor(readonly page: Page) {
    this.trainToggle = page.getByTestId('train-toggle');
    this.reset = page.getByTestId('reset');
    this.status = page.getByTestId('status');
    this.backend = page.getByTestId('backend');
    this.datasetSelect = page.getByTestId('dataset-select');
    // The core loop's picker; the Settings form may show the same choice.
    this.presetSelect = page.getByTestId('preset-picker').getByTestId('preset-select');
    this.step = page.getByTestId('metric-step');
    this.epoch = page.getByTestId('metric-epoch');
    this.loss = page.getByTestId('metric-loss');
    this.validationAccuracy = page.getByTestId('metric-val-acc');
    this.testAccuracy = page.getByTestId('metric-test-acc');
    this.lossChart = page.getByTestId('loss-chart');
    this.errorBanner = page.getByTestId('error-banner');
  }

  /** Opens the settings form's Advanced disclosure (Muon, EMA, STE clip, distillation) unless it is open already. */
  async showAdvancedSettings(): Promise<void> {
    await this.openTab('settings');
    const toggle = this.page.getByTestId('config-advanced-toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  }

  /** Opens the page and waits until a backend runs and the embedded data is loaded. */
  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await expect(this.backend).toHaveText(/webgpu|webgl|wasm|cpu/, { timeout: 60_000 });
    await expect(this.page.getByTestId('dataset-summary')).toContainText('9,000 train', { timeout: 60_000 });
    await expect(this.status).toHaveText('idle');
  }

  /**
   * The number of points a live chart shows. Charts take the store's series in a React transition (see
   * useTransitionedSelector), so they may lag the numbers beside them: poll this, never read it once.
   */
  async chartPoints(chart: Locator): Promise<number> {
    return Number(await chart.getAttribute('data-points'));
  }

  /** A chart's point count once it stops changing (read 500 ms apart), for a paused run whose curves are final. */
  async settledChartPoints(chart: Locator): Promise<number> {
    let previous = -1;
    let settled = -1;
    await expect
      .poll(
        async () => {
          const now = await this.chartPoints(chart);
          settled = now === previous ? now : -1;
          previous = now;
          return settled;
        },
        { timeout: 30_000, intervals: [500] },
      )
      .toBeGreaterThanOrEqual(0);
    return settled;
  }

  /** Opens a workbench tab (Inspect, Deploy, Runs, Settings), where everything beyond the core loop lives. */
  async openTab(tab: WorkbenchTab): Promise<void> {
    await openTab(this.page, tab);
  }

  async stepCount(): Promise<number> {
    return Number(await this.step.textContent());
  }

  /** Validation accuracy in percent, or NaN before the first evaluation. */
  async validationPercent(): Promise<number> {
    return Number.parseFloat((await this.validationAccuracy.textContent()) ?? '');
  }

  /** Opens the dataset panel's "Use your own images" disclosure unless it is open already. */
  async openOwnImages(): Promise<void> {
    const details = this.page.locator('details.own-data');
    if (!(await details.evaluate((element: HTMLDetailsElement) => element.open))) await this.page.getByText('Use your own images', { exact: true }).click();
    await expect(this.page.getByTestId('own-images-input')).toBeVisible();
  }

  /** Loads the user's own images from a zip (bytes made by the test) and waits until the summary shows them. */
  async loadOwnZip(name: string, bytes: Uint8Array): Promise<void> {
    await this.openOwnImages();
    await this.page.getByTestId('own-images-input').setInputFiles({ name, mimeType: 'application/zip', buffer: Buffer.from(bytes) });
    await expect(this.page.getByTestId('own-data-summary')).toBeVisible({ timeout: 120_000 });
    await expect(this.status).toHaveText('idle');
  }

  /** Loads the user's own images from a folder on disk through the directory input. */
  async loadOwnFolder(directory: string): Promise<void> {
    await this.openOwnImages();
    await this.page.getByTestId('own-images-folder').check();
    await this.page.getByTestId('own-images-input').setInputFiles(directory);
    await expect(this.page.getByTestId('own-data-summary')).toBeVisible({ timeout: 120_000 });
    await expect(this.status).toHaveText('idle');
  }

  /** Per class of the own-data summary: its image count. */
  async ownClassCounts(): Promise<Record<string, number>> {
    const items = this.page.getByTestId('own-data-summary').locator('li');
    const entries = await items.evaluateAll((list) => list.map((li) => [li.getAttribute('data-class')!, Number(li.getAttribute('data-count'))] as const));
    return Object.fromEntries(entries);
  }

  /** Opens the dataset panel's "Keywords" disclosure unless it is open already. */
  async openKeywords(): Promise<void> {
    const details = this.page.getByTestId('keywords-panel');
    if (!(await details.evaluate((element: HTMLDetailsElement) => element.open))) await details.locator('summary').first().click();
    await expect(this.page.getByTestId('keywords-input')).toBeVisible();
  }

  /** Loads a keyword data set from a zip (bytes made by the test) and waits until the summary shows it. */
  async loadKeywordsZip(name: string, bytes: Uint8Array): Promise<void> {
    await this.openKeywords();
    await this.page.getByTestId('keywords-input').setInputFiles({ name, mimeType: 'application/zip', buffer: Buffer.from(bytes) });
    await expect(this.page.getByTestId('keywords-summary')).toBeVisible({ timeout: 180_000 });
    await expect(this.status).toHaveText('idle');
  }

  /** Per word of the keywords summary: its clip count. */
  async keywordCounts(): Promise<Record<string, number>> {
    const items = this.page.getByTestId('keywords-summary').locator('li');
    const entries = await items.evaluateAll((list) => list.map((li) => [li.getAttribute('data-class')!, Number(li.getAttribute('data-count'))] as const));
    return Object.fromEntries(entries);
  }

  async startTraining(): Promise<void> {
    await expect(this.trainToggle).toHaveText('Train');
    await this.trainToggle.click();
    await expect(this.status).toHaveText('training');
  }

  async pause(): Promise<void> {
    await this.trainToggle.click();
    // The step running when Pause is pressed finishes first: a CNN's step on a loaded 2-core machine can take seconds.
    await expect(this.status).toHaveText('paused', { timeout: 30_000 });
  }
}

export type WorkbenchTab = 'inspect' | 'deploy' | 'runs' | 'settings';

/** Opens a workbench tab; its controls can then be clicked. Settings' "Advanced" disclosure opens with it. */
export async function openTab(page: Page, tab: WorkbenchTab): Promise<void> {
  const button = page.getByTestId(`tab-${tab}`);
  await button.click();
  await expect(button).toHaveAttribute('aria-selected', 'true');
  if (tab === 'settings') {
    const advanced = page.getByTestId('advanced');
    if ((await advanced.getAttribute('open')) === null) await advanced.locator('summary').click();
  }
}

export const test = base.extend<{ playground: Playground }>({
  playground: async ({ page }, use) => {
    await use(new Playground(page));
  },
});

export { expect };
