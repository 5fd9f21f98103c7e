/**
 * What the network is fed: a few training images through the current augmentation settings (core/augment.ts, the
 * function the training loop uses), redrawn with fresh transforms on demand. Shown only while augmentation is on.
 */
import { useEffect, useRef, useState } from 'react';
import { augmentationEnabled, augmentImages } from '../core/augment';
import { createRng } from '../core/rng';
import { useConfig, useDatasetSamples } from '../store/hooks';
import { paintGray } from './paint';

function SampleCanvas({ pixels, rows, cols }: { pixels: Uint8Array; rows: number; cols: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.putImageData(new ImageData(paintGray(pixels, rows * cols), cols, rows), 0, 0);
  }, [pixels, rows, cols]);
  return <canvas ref={canvas} width={cols} height={rows} className="augment-sample" />;
}

export function AugmentPreview() {
  const { config } = useConfig();
  const samples = useDatasetSamples();
  const [draw, setDraw] = useState(1);
  if (!samples || !augmentationEnabled(config)) return null;
  const size = samples.rows * samples.cols;
  const indices = Array.from({ length: samples.count }, (_, i) => i);
  let augmented: Uint8Array;
  try {
    augmented = augmentImages(samples.pixels, indices, samples.rows, samples.cols, config, createRng(draw));
  } catch {
    return null; // a half-typed value; the form's validation names it
  }
  return (
    <div className="augment-preview" data-testid="augment-preview">
      <div className="histogram-title">What training sees (augmented samples)</div>
      <div className="augment-grid">
        {indices.map((i) => (
          <SampleCanvas key={`${draw}-${i}`} pixels={augmented.subarray(i * size, (i + 1) * size)} rows={samples.rows} cols={samples.cols} />
        ))}
      </div>
      <button type="button" onClick={() => setDraw((d) => d + 1)}>
        New transforms
      </button>
    </div>
  );
}
