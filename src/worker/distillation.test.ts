/** The teacher slot: none, a refused teacher (with why), a taken one handed to the run, dropped again. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SplitDataset } from '../core/data/dataset';
import { mlpLayers } from '../core/model/layers';
import type { Teacher } from '../train/teacher';
import { Trainer } from '../train/trainer';
import { TeacherSlot } from './distillation';
import { cpuDataset, TINY } from './sessionParts.testing';

let data: SplitDataset;
beforeAll(async () => {
  data = await cpuDataset();
});

describe('TeacherSlot', () => {
  it('refuses weights that do not fit, takes ones that do, and hands them on', async () => {
    const source = new Trainer(TINY, data);
    for (let i = 0; i < 5; i++) await source.step();
    const { variables } = await source.captureState();
    source.dispose();
    const slot = new TeacherSlot();
    const attached: (Teacher | null)[] = [];
    const attach = (teacher: Teacher | null) => attached.push(teacher);

    expect(await slot.choose(null, data.validation, attach)).toEqual({ type: 'teacher', label: null, validationAccuracy: null, message: '' });
    const refused = await slot.choose({ config: { ...TINY, layers: mlpLayers([24]) }, variables, label: 'run A' }, data.validation, attach);
    expect(refused).toMatchObject({ label: null, validationAccuracy: null });
    expect(refused.message).toMatch(/^"run A" cannot teach: /);
    expect(slot.teacher).toBeNull();

    const taken = await slot.choose({ config: TINY, variables, label: 'run A' }, null, attach);
    expect(taken).toEqual({ type: 'teacher', label: 'run A', validationAccuracy: null, message: '' });
    expect(slot.teacher).not.toBeNull();
    expect(attached.at(-1)).toBe(slot.teacher);
    const first = slot.teacher;
    slot.rebuild();
    expect(slot.teacher).not.toBe(first);
    first?.dispose();
    slot.drop();
    expect(slot.teacher).toBeNull();
    slot.rebuild();
    expect(slot.teacher).toBeNull();
  });
});
