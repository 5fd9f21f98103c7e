import { DIGITS, draw } from './drawing';
import { expect, test, openTab } from './playground';

test('drawn digits are recognised after a short training run; Clear and Undo work', async ({ playground, page }) => {
  test.setTimeout(300_000);
  await playground.open();
  const prediction = page.getByTestId('prediction');
  const path = page.getByTestId('prediction-path');
  await expect(prediction).toHaveText('');

  await playground.startTraining();
  await expect.poll(() => playground.validationPercent(), { timeout: 240_000, intervals: [1000] }).toBeGreaterThan(92);
  await playground.pause();

  const results: string[] = [];
  let correct = 0;
  const latencies: number[] = [];
  for (const [digit, strokes] of Object.entries(DIGITS)) {
    await page.getByTestId('clear-canvas').click();
    await expect(prediction).toHaveText('');
    const started = Date.now();
    await draw(page, strokes);
    await expect(prediction).toHaveText(/^\d$/, { timeout: 15_000 }); // a paused run's snapshot may go first
    await expect(path).toContainText('ms');
    latencies.push(Date.now() - started);
    const said = (await prediction.textContent()) ?? '';
    results.push(`${digit}->${said}`);
    if (said === digit) correct++;
  }
  console.log(`drawn digits: ${results.join(' ')}; ${correct}/10 right; inference ${await path.textContent()}`);
  expect(correct).toBeGreaterThanOrEqual(7);
  await expect(path).toContainText('WGSL ternary kernels');

  // The preview is the 28×28 input; Undo removes the last stroke, Clear empties everything.
  const inkInPreview = () =>
    page.getByTestId('model-input').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) ink += data[i]!;
      return ink;
    });
  await page.getByTestId('clear-canvas').click();
  await draw(page, DIGITS[4]!);
  await expect(prediction).toHaveText(/^\d$/);
  const withTwoStrokes = await inkInPreview();
  await page.getByTestId('undo-stroke').click();
  await expect.poll(inkInPreview).not.toBe(withTwoStrokes);
  await page.getByTestId('clear-canvas').click();
  await expect(prediction).toHaveText('');
  await expect(page.getByTestId('probabilities').locator('[data-probability=""]')).toHaveCount(10);
  expect(await inkInPreview()).toBe(0);
});

test('without WebGPU for inference the CPU reference answers, and the page says so', async ({ playground, page }) => {
  await playground.open('?inference=cpu');
  await expect(page.getByTestId('inference-backend')).toContainText('cpu');
  await draw(page, DIGITS[1]!);
  await expect(page.getByTestId('prediction')).toHaveText(/^\d$/);
  await expect(page.getByTestId('prediction-path')).toContainText('CPU reference');
  await openTab(page, 'deploy');
  await page.getByTestId('kernel-eval').click();
  await expect(page.getByTestId('kernel-eval-result')).toContainText('cpu-reference', { timeout: 60_000 });
  // An untrained model's logits nearly tie, so float rounding may flip a few argmaxes: most must still agree.
  const agreement = Number.parseFloat((await page.getByTestId('kernel-eval-agreement').textContent()) ?? '');
  expect(agreement).toBeGreaterThan(95);
});

test('a digit drawn while training is answered while training goes on, with the weights of that moment', async ({ playground, page }) => {
  test.setTimeout(180_000);
  await playground.open();
  const prediction = page.getByTestId('prediction');
  await playground.startTraining();
  await expect.poll(() => playground.stepCount(), { timeout: 60_000 }).toBeGreaterThan(5);
  const latencies: string[] = [];
  for (const digit of [1, 7, 0]) {
    await page.getByTestId('clear-canvas').click();
    await expect(prediction).toHaveText('');
    const stepBefore = await playground.stepCount();
    await draw(page, DIGITS[digit]!);
    // From the pen lifted (the page asks after a short debounce) to the answer shown; and the page's own round trip.
    const penUp = Date.now();
    await expect(prediction).toHaveText(/^\d$/, { timeout: 15_000 });
    latencies.push(`${Date.now() - penUp} ms after the pen lifted (round trip ${await page.getByTestId('prediction-path').getAttribute('data-round-trip-ms')} ms)`);
    await expect(playground.status).toHaveText('training');
    // Training went on meanwhile and goes on after the answer.
    await expect.poll(() => playground.stepCount(), { timeout: 30_000 }).toBeGreaterThan(stepBefore);
  }
  console.log(`drawn while training: answered ${latencies.join(', ')}`);
  await playground.pause();
});
