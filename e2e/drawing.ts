/** Digits drawn on the Draw a digit canvas the way people write them, shared by the specs that draw. */
import type { Page } from '@playwright/test';

export type Stroke = [number, number][];

/** Points on an ellipse arc (angles in degrees, 0 = right, 90 = down), in canvas pixels (280×280). */
function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number, steps = 24): Stroke {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const angle = ((from + ((to - from) * i) / steps) * Math.PI) / 180;
    return [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)] as [number, number];
  });
}

/** Digits drawn the way people write them, in strokes of canvas coordinates. */
export const DIGITS: Record<number, Stroke[]> = {
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

/** Draws the strokes on a 280×280 canvas: Draw a digit's, or another (collect mode's) by its test id. */
export async function draw(page: Page, strokes: Stroke[], canvasTestId = 'draw-canvas'): Promise<void> {
  // Mouse coordinates are the viewport's: the canvas must be in view.
  await page.getByTestId(canvasTestId).scrollIntoViewIfNeeded();
  const box = (await page.getByTestId(canvasTestId).boundingBox())!;
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
