import { describe, expect, it } from 'vitest';
import { appendBounded, chartStepEnd, niceTicks, seriesToCsv, slotTable } from './series';

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

  it('slots a chart into a fixed number of rows over the whole run: means per slot, newest step, nothing where no point fell', () => {
    const loss = [
      { step: 1, value: 4 },
      { step: 10, value: 2 }, // slot 0 of 10 over 100 steps: (0, 10]
      { step: 11, value: 1 }, // slot 1
      { step: 35, value: 0.5 }, // slot 3
    ];
    const validation = [{ step: 10, value: 0.9 }];
    const rows = slotTable([{ key: 'loss', points: loss }, { key: 'validation', points: validation }], 100, 10);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({ step: 10, loss: 3, validation: 0.9 });
    expect(rows[1]).toEqual({ step: 11, loss: 1 });
    expect(rows[2]).toEqual({ step: 30 }); // empty: the slot's end
    expect(rows[3]).toEqual({ step: 35, loss: 0.5 });
    expect(rows[9]).toEqual({ step: 100 });
    // Steps ascend through every row, so the x axis is monotone.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.step).toBeGreaterThan(rows[i - 1]!.step);
  });

  it('keeps the same row count as a run grows, puts steps past the plan in the last slot and skips non-finite values', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ step: i + 1, value: i % 7 === 0 ? Number.NaN : 1 }));
    for (const upTo of [1, 10, 500, 1000]) expect(slotTable([{ key: 'v', points: points.slice(0, upTo) }], 1000, 240)).toHaveLength(240);
    const past = slotTable([{ key: 'v', points: [{ step: 150, value: 2 }] }], 100, 4);
    expect(past[3]).toEqual({ step: 150, v: 2 });
    expect(slotTable([{ key: 'v', points: [{ step: 7, value: Number.NaN }] }], 10, 2)).toEqual([{ step: 5 }, { step: 10 }]);
    expect(() => slotTable([], 10, 0)).toThrow(RangeError);
  });

  it('ends a chart at the planned run, or at the newest point past it', () => {
    expect(chartStepEnd(2700, [{ step: 5 }])).toBe(2700);
    expect(chartStepEnd(100, [{ step: 5 }], [{ step: 130 }])).toBe(130);
    expect(chartStepEnd(0, [])).toBe(1);
    expect(chartStepEnd(Number.NaN, [{ step: 12 }])).toBe(12);
  });
});

describe('niceTicks', () => {
  it('spans free ends with round ticks at 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0, 1000, 5)).toEqual({ ticks: [0, 200, 400, 600, 800, 1000], domain: [0, 1000] });
    expect(niceTicks(0.13, 2.31, 5)).toEqual({ ticks: [0, 0.5, 1, 1.5, 2, 2.5], domain: [0, 2.5] });
    expect(niceTicks(87.3, 99.1, 5)).toEqual({ ticks: [85, 90, 95, 100], domain: [85, 100] });
  });
  it('keeps fixed ends and puts ticks inside them only', () => {
    expect(niceTicks(0, 100, 5, { min: true, max: true })).toEqual({ ticks: [0, 20, 40, 60, 80, 100], domain: [0, 100] });
    expect(niceTicks(0, 937, 5, { min: true, max: true })).toEqual({ ticks: [0, 200, 400, 600, 800], domain: [0, 937] });
    expect(niceTicks(91.2, 100, 5, { max: true })).toEqual({ ticks: [90, 92, 94, 96, 98, 100], domain: [90, 100] });
  });
  it('shows decimal steps without binary noise', () => {
    for (const tick of niceTicks(0, 0.7, 8).ticks) expect(String(tick)).toMatch(/^\d(\.\d)?$/);
  });
  it('widens a flat range and survives non-finite input', () => {
    expect(niceTicks(2, 2, 5).domain[0]).toBeLessThan(2);
    expect(niceTicks(2, 2, 5).domain[1]).toBeGreaterThan(2);
    expect(niceTicks(Number.NaN, 3, 5)).toEqual({ ticks: [0, 1], domain: [0, 1] });
    expect(niceTicks(5, 5, 5, { min: true, max: true }).domain).toEqual([5, 6]);
  });
});
