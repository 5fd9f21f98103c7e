import { describe, expect, it } from 'vitest';
import { appendBounded, seriesToCsv } from './series';

describe('series', () => {
  it('keeps at most the limit, newest point always kept', () => {
    const points = Array.from({ length: 10 }, (_, step) => ({ step, value: step }));
    const bounded = appendBounded(points, [{ step: 10, value: 10 }], 6);
    expect(bounded.length).toBeLessThanOrEqual(6);
    expect(bounded[bounded.length - 1]).toEqual({ step: 10, value: 10 });
  });

  it('writes every series as CSV rows of series, step and value, quoting names that need it', () => {
    const csv = seriesToCsv([
      { name: 'training loss', points: [{ step: 1, value: 2.5 }, { step: 2, value: 1.25 }] },
      { name: 'sparsity, all layers', points: [{ step: 2, value: 0.4 }] },
    ]);
    expect(csv).toBe('series,step,value\ntraining loss,1,2.5\ntraining loss,2,1.25\n"sparsity, all layers",2,0.4\n');
  });
});
