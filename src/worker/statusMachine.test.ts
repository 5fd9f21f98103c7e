/** The status machine: allowed moves are posted, forbidden ones are reported as internal errors, failures explain. */
import { describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../protocol/messages';
import type { StepResult } from '../train/trainer';
import { divergenceCause, StatusMachine, TRANSITIONS } from './statusMachine';

function machine() {
  const events: WorkerEvent[] = [];
  return { events, machine: new StatusMachine((event) => events.push(event)) };
}

describe('StatusMachine', () => {
  it('posts each move; a move TRANSITIONS does not allow is made but reported as internal', () => {
    const { events, machine: m } = machine();
    m.transition('loading', 'loading dataset');
    m.transition('idle');
    expect(m.status).toBe('idle');
    expect(events).toEqual([
      { type: 'status', status: 'loading', detail: 'loading dataset' },
      { type: 'status', status: 'idle', detail: '' },
    ]);
    expect(TRANSITIONS.loading).not.toContain('training');
    m.transition('loading');
    m.transition('training');
    expect(events.at(-2)).toEqual({ type: 'error', message: 'Internal: status loading cannot become training.' });
    expect(m.status).toBe('training');
  });

  it('a failure is the error status with its message, and an error event', () => {
    const { events, machine: m } = machine();
    m.fail(new Error('no dataset'));
    expect(events).toEqual([
      { type: 'status', status: 'error', detail: 'no dataset' },
      { type: 'error', message: 'no dataset' },
    ]);
    m.settle();
    expect(m.status).toBe('idle');
    expect(events).toHaveLength(2);
  });

  it('says why a step diverged', () => {
    const step = (loss: number): StepResult => ({ loss, weightsFinite: false, globalStep: 1, epoch: 0, stepInEpoch: 1, epochEnded: false, learningRate: 0.01, endOfRun: null });
    expect(divergenceCause(step(Number.NaN))).toBe('the loss became NaN');
    expect(divergenceCause(step(1.5))).toBe('a weight became non-finite');
  });
});
