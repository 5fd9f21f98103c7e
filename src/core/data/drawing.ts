/**
 * MNIST-style preprocessing of a drawn digit, as the data set was made (LeCun et al.): take the ink's bounding
 * box, scale it with area averaging so its longer side is 20 pixels (aspect ratio kept), put it in a 28×28 image
 * and shift it so that its centre of mass sits at the image centre. Pure functions on grey-level arrays
 * (0 = background, 255 = full ink), so the React canvas only reads pixels and draws the result.
 */
export const MNIST_SIDE = 28;
const MNIST_BOX = 20;

export interface Box {
  /** Inclusive pixel bounds. */
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** ink: (height, width) row-major. The smallest box holding every pixel above `threshold`, or null if none. */
export function inkBoundingBox(ink: ArrayLike<number>, width: number, height: number, threshold = 0): Box | null {
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > threshold) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  return right < 0 ? null : { left, top, right, bottom };
}

/**
 * Area-averaging resample of the box's contents to outWidth × outHeight: every output pixel is the mean of the
 * source area it covers, fractional edge pixels weighted by coverage (anti-aliased, as a photo scaler does).
 */
export function resampleArea(
  ink: ArrayLike<number>,
  width: number,
  box: Box,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const boxWidth = box.right - box.left + 1;
  const boxHeight = box.bottom - box.top + 1;
  const scaleX = boxWidth / outWidth;
  const scaleY = boxHeight / outHeight;
  const out = new Float32Array(outWidth * outHeight);
  for (let oy = 0; oy < outHeight; oy++) {
    const y0 = oy * scaleY;
    const y1 = y0 + scaleY;
    for (let ox = 0; ox < outWidth; ox++) {
      const x0 = ox * scaleX;
      const x1 = x0 + scaleX;
      let sum = 0;
      for (let sy = Math.floor(y0); sy < Math.ceil(y1); sy++) {
        const coverY = Math.min(y1, sy + 1) - Math.max(y0, sy);
        for (let sx = Math.floor(x0); sx < Math.ceil(x1); sx++) {
          const coverX = Math.min(x1, sx + 1) - Math.max(x0, sx);
          sum += coverX * coverY * ink[(box.top + sy) * width + box.left + sx]!;
        }
      }
      out[oy * outWidth + ox] = sum / (scaleX * scaleY);
    }
  }
  return out;
}

/** Centre of mass (x, y) of an image, in pixel-centre coordinates; null for an all-zero image. */
export function centreOfMass(image: ArrayLike<number>, width: number, height: number): { x: number; y: number } | null {
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = image[y * width + x]!;
      mass += value;
      sumX += value * (x + 0.5);
      sumY += value * (y + 0.5);
    }
  }
  return mass === 0 ? null : { x: sumX / mass, y: sumY / mass };
}

/**
 * ink: (height, width) grey levels of the drawing -> the 28×28 uint8 image the network sees, or null when
 * nothing is drawn. A single dot becomes a small blob at the centre rather than an error.
 */
export function toMnistInput(ink: ArrayLike<number>, width: number, height: number): Uint8Array | null {
  const box = inkBoundingBox(ink, width, height);
  if (!box) return null;
  const boxWidth = box.right - box.left + 1;
  const boxHeight = box.bottom - box.top + 1;
  const longer = Math.max(boxWidth, boxHeight);
  // Small drawings are enlarged and large ones shrunk alike: the longer side always becomes 20 pixels.
  const outWidth = Math.max(1, Math.round((boxWidth * MNIST_BOX) / longer));
  const outHeight = Math.max(1, Math.round((boxHeight * MNIST_BOX) / longer));
  const scaled = resampleArea(ink, width, box, outWidth, outHeight);
  const centre = centreOfMass(scaled, outWidth, outHeight)!;
  // Integer shift that puts the centre of mass nearest to (14, 14).
  const offsetX = Math.round(MNIST_SIDE / 2 - centre.x);
  const offsetY = Math.round(MNIST_SIDE / 2 - centre.y);
  const image = new Uint8Array(MNIST_SIDE * MNIST_SIDE);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const tx = x + offsetX;
      const ty = y + offsetY;
      if (tx < 0 || ty < 0 || tx >= MNIST_SIDE || ty >= MNIST_SIDE) continue;
      image[ty * MNIST_SIDE + tx] = Math.max(0, Math.min(255, Math.round(scaled[y * outWidth + x]!)));
    }
  }
  return image;
}
