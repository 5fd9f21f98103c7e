/**
 * Generated image folders for tests: outlines of circles, triangles and squares in random colours, at random
 * sizes and places, on a white, slightly noisy background, in images of different sizes (as photos of drawings
 * would be). Seeded, so a test's folder is the same every run.
 */
import { encodePng } from './png';
import { createRng, type Rng } from './rng';

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export type Shape = (typeof SHAPES)[number];

/** Distance from (x, y) to the segment (ax, ay)-(bx, by). */
function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** (height, width, 4) RGBA of one shape outline. */
export function shapeImage(shape: Shape, rng: Rng): { width: number; height: number; rgba: Uint8Array } {
  const width = 40 + rng.int(60);
  const height = 40 + rng.int(60);
  const side = Math.min(width, height);
  const radius = side * (0.28 + 0.14 * rng.next());
  const cx = width / 2 + (rng.next() - 0.5) * (width - 2 * radius) * 0.8;
  const cy = height / 2 + (rng.next() - 0.5) * (height - 2 * radius) * 0.8;
  const thickness = Math.max(1.5, side * (0.05 + 0.04 * rng.next()));
  const ink = [rng.int(120), rng.int(120), rng.int(160)];
  const corners = [
    [cx, cy - radius],
    [cx + radius * 0.95, cy + radius * 0.75],
    [cx - radius * 0.95, cy + radius * 0.75],
  ] as const;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let distance: number;
      if (shape === 'circle') distance = Math.abs(Math.hypot(x - cx, y - cy) - radius);
      else if (shape === 'square') distance = Math.abs(Math.max(Math.abs(x - cx), Math.abs(y - cy)) - radius * 0.85);
      else distance = Math.min(...corners.map((a, i) => { const b = corners[(i + 1) % 3]!; return segmentDistance(x, y, a[0], a[1], b[0], b[1]); }));
      const on = distance < thickness / 2;
      const noise = rng.int(12);
      const at = 4 * (y * width + x);
      rgba.set(on ? [ink[0]!, ink[1]!, ink[2]!, 255] : [255 - noise, 255 - noise, 250 - noise, 255], at);
    }
  }
  return { width, height, rgba };
}

/** A folder of `perClass` PNGs per shape: path -> bytes, "<shape>/<i>.png". */
export function shapeFolder(perClass: number, seed: number): Record<string, Uint8Array> {
  const rng = createRng(seed);
  const files: Record<string, Uint8Array> = {};
  for (const shape of SHAPES) {
    for (let i = 0; i < perClass; i++) {
      const image = shapeImage(shape, rng);
      files[`${shape}/${String(i).padStart(3, '0')}.png`] = encodePng(image.rgba, image.width, image.height, 4);
    }
  }
  return files;
}
