/**
 * The session on own images of another side and colour: a layer list that does not fit the image, or a 16×16
 * input on RGB images, is refused with its reason when training starts (an error event, no crash), and a list
 * that fits then trains on the same data.
 */
import { describe, expect, it } from 'vitest';
import { PRESETS, type TrainConfig } from '../core/model/config';
import type { LayerSpec } from '../core/model/layers';
import type { ImageSet, SplitDataset } from '../core/data/dataset';
import { createRng } from '../core/data/rng';
import { sessionHarness } from './sessionHarness.testing';

/** count random (8, 8, 3) images of 3 classes. */
function rgbSet(count: number, seed: number): ImageSet {
  const rng = createRng(seed);
  return {
    count,
    rows: 8,
    cols: 8,
    channels: 3,
    pixels: Uint8Array.from({ length: count * 8 * 8 * 3 }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
  };
}

const data: SplitDataset = { train: rgbSet(60, 1), validation: rgbSet(30, 2), test: null, classNames: ['red', 'green', 'blue'] };
const convPool: LayerSpec[] = [
  { kind: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' },
  { kind: 'maxpool2d', size: 2 },
];
const small: TrainConfig = { ...PRESETS.cnn, layers: [...convPool, { kind: 'flatten' }], batchSize: 20, epochs: 1, augmentRotation: 0, augmentScale: 0, augmentShift: 0 };

describe('training on 8×8 RGB images', () => {
  it('refuses four pools and a 16×16 input with their reasons, then trains a list that fits', async () => {
    const h = sessionHarness(async () => ({ ...data, id: 'own' }) as SplitDataset);
    await h.session.receive({ type: 'load-dataset', source: { kind: 'images', name: 'rgb.zip', zip: null, files: [], conversion: { side: 8, color: 'rgb', invert: 'no' } } });
    const errors = () => h.events.filter((e): e is { type: 'error'; message: string } => e.type === 'error').map((e) => e.message);

    await h.session.receive({ type: 'configure', config: { ...small, layers: [...convPool, ...convPool, ...convPool, ...convPool, { kind: 'flatten' }] }, preset: 'custom' });
    await h.session.receive({ type: 'start' });
    await h.session.idle();
    expect(errors().at(-1)).toMatch(/Layer 8 \(maxpool2d 2\) cannot pool a 1×1×4 map/);

    await h.session.receive({ type: 'configure', config: { ...small, inputResolution: 16 }, preset: 'custom' });
    await h.session.receive({ type: 'start' });
    await h.session.idle();
    expect(errors().at(-1)).toMatch(/16×16 input is the area average of 28×28 grey images; these images are 8×8×3/);
    expect(h.internalErrors()).toEqual([]);

    await h.session.receive({ type: 'configure', config: small, preset: 'custom' });
    void h.session.receive({ type: 'start' });
    await h.waitFor(() => h.session.status === 'done', 'the run to finish');
    expect(h.lastStep()).toBe(3);
    h.session.dispose();
  });
});
