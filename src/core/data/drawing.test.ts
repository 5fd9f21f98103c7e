import { describe, expect, it } from 'vitest';
import { centreOfMass, inkBoundingBox, MNIST_SIDE, resampleArea, toMnistInput } from './drawing';

/** A width×height canvas with a filled rectangle of ink. */
function canvasWith(width: number, height: number, rect: { x: number; y: number; w: number; h: number }): Uint8Array {
  const ink = new Uint8Array(width * height);
  for (let y = rect.y; y < rect.y + rect.h; y++) for (let x = rect.x; x < rect.x + rect.w; x++) ink[y * width + x] = 255;
  return ink;
}

describe('drawing preprocessing', () => {
  it('finds the bounding box of the ink, or null on an empty canvas', () => {
    expect(inkBoundingBox(canvasWith(10, 8, { x: 2, y: 3, w: 4, h: 2 }), 10, 8)).toEqual({ left: 2, top: 3, right: 5, bottom: 4 });
    expect(inkBoundingBox(new Uint8Array(25), 5, 5)).toBeNull();
    expect(toMnistInput(new Uint8Array(280 * 280), 280, 280)).toBeNull();
  });

  it('area averaging keeps the mean ink (a 4×4 block of 255 halves into 2×2 of 255)', () => {
    const ink = canvasWith(4, 4, { x: 0, y: 0, w: 4, h: 2 });
    const half = resampleArea(ink, 4, { left: 0, top: 0, right: 3, bottom: 3 }, 2, 2);
    expect(Array.from(half)).toEqual([255, 255, 0, 0]);
    const third = resampleArea(ink, 4, { left: 0, top: 0, right: 3, bottom: 3 }, 3, 3);
    // The middle output row covers source rows 1.33..2.67: half of that span is ink (row 1), half is not (row 2).
    expect(third[3]).toBeCloseTo(127.5, 3);
    expect(third[0]).toBeCloseTo(255, 3);
  });

  it('a shifted, scaled stroke lands centred with its longer side 20 pixels', () => {
    // A tall bar drawn off-centre on a big canvas.
    const ink = canvasWith(280, 280, { x: 200, y: 20, w: 30, h: 120 });
    const image = toMnistInput(ink, 280, 280)!;
    const box = inkBoundingBox(image, MNIST_SIDE, MNIST_SIDE)!;
    expect(box.bottom - box.top + 1).toBe(20);
    expect(box.right - box.left + 1).toBe(5);
    const centre = centreOfMass(image, MNIST_SIDE, MNIST_SIDE)!;
    expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(centre.y - 14)).toBeLessThanOrEqual(0.5);
    // The same stroke anywhere else gives the same image.
    const moved = toMnistInput(canvasWith(280, 280, { x: 10, y: 150, w: 30, h: 120 }), 280, 280)!;
    expect(Array.from(moved)).toEqual(Array.from(image));
  });

  it('the centre of mass, not the box centre, goes to the middle', () => {
    // An L shape: heavy at the bottom.
    const ink = new Uint8Array(100 * 100);
    for (let y = 10; y < 90; y++) for (let x = 10; x < 20; x++) ink[y * 100 + x] = 255;
    for (let y = 80; y < 90; y++) for (let x = 10; x < 90; x++) ink[y * 100 + x] = 255;
    const image = toMnistInput(ink, 100, 100)!;
    const centre = centreOfMass(image, MNIST_SIDE, MNIST_SIDE)!;
    expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(centre.y - 14)).toBeLessThanOrEqual(0.5);
    const box = inkBoundingBox(image, MNIST_SIDE, MNIST_SIDE)!;
    expect((box.top + box.bottom) / 2).toBeLessThan(14); // the box sits high so the mass is centred
  });

  it('a single dot does not crash: it becomes a blob at the centre', () => {
    const ink = new Uint8Array(50 * 50);
    ink[7 * 50 + 40] = 200;
    const image = toMnistInput(ink, 50, 50)!;
    expect(image.length).toBe(784);
    expect(Math.max(...image)).toBe(200);
    const centre = centreOfMass(image, MNIST_SIDE, MNIST_SIDE)!;
    expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(10);
  });
});
