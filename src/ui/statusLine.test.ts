import { describe, expect, it } from 'vitest';
import { statusLine, type StatusLineInput } from './statusLine';

const base: StatusLineInput = { status: 'idle', backend: 'wasm', measuring: false, trainRequested: false, completedEpochs: 0, epochs: 5, globalStep: 0 };

describe('statusLine', () => {
  it('says what the page does, epochs counted 1..N', () => {
    expect(statusLine({ ...base, backend: null })).toBe('starting TensorFlow.js…');
    expect(statusLine(base)).toBe('ready: press Train');
    expect(statusLine({ ...base, status: 'training', completedEpochs: 1, globalStep: 120 })).toBe('training, epoch 2 of 5');
    expect(statusLine({ ...base, status: 'paused', completedEpochs: 1, globalStep: 120 })).toBe('paused at step 120, epoch 2 of 5');
    expect(statusLine({ ...base, status: 'done', completedEpochs: 5, globalStep: 450 })).toBe('finished 5 epochs: Train again starts a new run');
  });

  it('acknowledges a Train click before the worker is ready, and a measurement in the background', () => {
    expect(statusLine({ ...base, backend: null, trainRequested: true })).toMatch(/^Train pressed/);
    expect(statusLine({ ...base, status: 'loading', trainRequested: true })).toMatch(/^Train pressed/);
    expect(statusLine({ ...base, status: 'training', measuring: true })).toBe('training, epoch 1 of 5; measuring backends in the background (about 20 s)…');
  });
});
