/**
 * What the network is fed: a few training images through the current augmentation settings (core/data/augment.ts, the
 * function the training loop uses), then at a 16×16 input the area average the network takes (core/model/inputResolution.ts),
 * redrawn with fresh transforms on demand. Shown while augmentation is on or the input is reduced.
 */
import { useEffect, useRef, useState } from 'react';
import { augmentationEnabled, augmentImages } from '../core/data/augment';
import { modelInputPixels, REDUCED_SIDE } from '../core/model/inputResolution';
import { createRng } from '../core/data/rng';
import { useConfig, useDatasetSamples } from '../store/hooks';
import { useAppStore } from '../store/store';
import { paintImage } from './paint';

/** One image as the network takes it: (rows, cols, channels) NHWC, ink bright (RGB in its stored colours). */
function SampleCanvas({ pixels, rows, cols, channels }: { pixels: Uint8Array; rows: number; cols: number; channels: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.putImageData(new ImageData(paintImage(pixels, rows * cols, channels), cols, rows), 0, 0);
  }, [pixels, rows, cols, channels]);
  return <canvas ref={canvas} width={cols} height={rows} className="augment-sample" />;
}

export function AugmentPreview() {
  const { config } = useConfig();
  const samples = useDatasetSamples();
  // Own images that were inverted: say so, as the data panel's samples show them as loaded.
  const inverted = useAppStore((s) => s.datasetSummary?.own?.inverted ?? false);
  const [draw, setDraw] = useState(1);
  const augmenting = augmentationEnabled(config);
  const channels = samples?.channels ?? 1;
  // The 16×16 area average is defined on 28×28 grey images only; training refuses it for others (inputShapeProblem).
  const reduced = config.inputResolution === REDUCED_SIDE && channels === 1 && samples?.rows === 28 && samples.cols === 28;
  if (!samples || !(augmenting || reduced)) return null;
  const indices = Array.from({ length: samples.count }, (_, i) => i);
  let seen: Uint8Array;
  try {
    const augmented = augmenting ? augmentImages(samples.pixels, indices, samples.rows, samples.cols, config, createRng(draw), channels) : samples.pixels;
    seen = reduced ? modelInputPixels(config.inputResolution, augmented, samples.count) : augmented;
  } catch {
    return null; // a half-typed value; the form's validation names it
  }
  const side = reduced ? REDUCED_SIDE : samples.rows;
  const width = reduced ? REDUCED_SIDE : samples.cols;
  const size = side * width * channels;
  const what = [augmenting ? 'augmented samples' : 'samples', reduced ? '16×16 area average' : '', inverted ? (channels === 3 ? 'colours inverted' : 'inverted') : '']
    .filter(Boolean)
    .join(', ');
  return (
    <div className="augment-preview" data-testid="augment-preview" data-side={side}>
      <div className="histogram-title" data-testid="augment-preview-caption">
        What training sees, as the network sees it ({what})
      </div>
      <div className="augment-grid">
        {indices.map((i) => (
          <SampleCanvas key={`${draw}-${i}`} pixels={seen.subarray(i * size, (i + 1) * size)} rows={side} cols={width} channels={channels} />
        ))}
      </div>
      {augmenting && (
        <button type="button" onClick={() => setDraw((d) => d + 1)}>
          New transforms
        </button>
      )}
    </div>
  );
}
