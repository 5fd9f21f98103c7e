/**
 * The browser's image decoders in the worker: createImageBitmap reads PNG, JPEG, WebP, BMP and GIF (its first
 * frame), and an OffscreenCanvas gives the RGBA. core/data/ownDataset.ts calls this through its DecodeImage hook
 * (Node tests and the CLI use core's PNG codec instead). A file that does not decode throws, and is skipped by name.
 */
import type { RgbaImage } from '../core/data/ownDataset';
import type { ImageHeader } from '../core/data/imageHeader';

const MIME: Record<ImageHeader['format'], string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', bmp: 'image/bmp', gif: 'image/gif' };

export async function decodeWithBrowser(bytes: Uint8Array, header: ImageHeader): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[header.format] }), {
    // The pixels as stored: no colour-space conversion or EXIF rotation, so every browser gives the same values.
    colorSpaceConversion: 'none',
    imageOrientation: 'from-image',
    premultiplyAlpha: 'none',
  });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2D canvas in this worker');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: bitmap.width, height: bitmap.height, rgba: data };
  } finally {
    bitmap.close();
  }
}
