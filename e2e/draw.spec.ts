import type { Page } from '@playwright/test';
import { expect, test } from './playground';

type Stroke = [number, number][];

/** Points on an ellipse arc (angles in degrees, 0 = right, 90 = down), in canvas pixels (280×280). */
function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number, steps = 24): Stroke {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const angle = ((from + ((to - from) * i) / steps) * Math.PI) / 180;
    return [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)] as [number, number];
  });
}

/** Digits drawn the way people write them, in strokes of canvas coordinates. */
const DIGITS: Record<number, Stroke[]> = {
  0: [arc(140, 140, 55, 85, -90, 275)],
  1: [[[150, 50], [143, 140], [137, 230]]],
  2: [[...arc(140, 100, 55, 45, 200, 360), [180, 140], [85, 225], [205, 225]]],
  3: [[...arc(135, 95, 55, 42, 210, 450), ...arc(135, 180, 60, 45, -90, 150)]],
  4: [[[165, 50], [85, 170], [210, 170]], [[175, 100], [175, 235]]],
  5: [[[195, 55], [100, 55], [95, 130]], [[95, 130], ...arc(135, 175, 60, 50, -120, 150)]],
  6: [[[180, 50], [120, 110], ...arc(140, 180, 50, 50, 180, 540)]],
  7: [[[80, 60], [200, 60], [130, 235]]],
  8: [[...arc(140, 95, 45, 45, 90, 450), ...arc(140, 182, 52, 45, -90, -450)]],
  9: [[...arc(140, 100, 48, 45, 0, 360), [188, 100], [175, 235]]],
};

async function draw(page: Page, strokes: Stroke[]): Promise<void> {
  // Mouse coordinates are the viewport's: the canvas must be in view.
  await page.getByTestId('draw-canvas').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('draw-canvas').boundingBox())!;
  const toPage = ([x, y]: [number, number]) => [box.x + (x / 280) * box.width, box.y + (y / 280) * box.height] as const;
  for (const stroke of strokes) {
    const [x0, y0] = toPage(stroke[0]!);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (const point of stroke.slice(1)) {
      const [x, y] = toPage(point);
      await page.mouse.move(x, y, { steps: 4 });
    }
    await page.mouse.up();
  }
}

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
  const latencies: number[] = [];
  for (const digit of [1, 7, 0]) {
    await page.getByTestId('clear-canvas').click();
    await expect(prediction).toHaveText('');
    const stepBefore = await playground.stepCount();
    const started = Date.now();
    await draw(page, DIGITS[digit]!);
    await expect(prediction).toHaveText(/^\d$/, { timeout: 15_000 });
    latencies.push(Date.now() - started);
    await expect(playground.status).toHaveText('training');
    // Training went on meanwhile and goes on after the answer.
    await expect.poll(() => playground.stepCount(), { timeout: 30_000 }).toBeGreaterThan(stepBefore);
  }
  console.log(`drawn while training: answered ${latencies.map((ms) => `${ms} ms`).join(', ')} after the stroke began`);
  await playground.pause();
});
