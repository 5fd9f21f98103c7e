/**
 * Knowledge distillation's teacher in the worker: built from a kept run's spec, refused with a message when it does
 * not load, rebuilt after a lost GPU (its tensors went with the device). The run and its twin learn from it from
 * their next step; they do not own it, this slot does.
 */
import { IDX_CLASS_COUNT, type ImageSet } from '../core/data/dataset';
import { validateConfig } from '../core/model/config';
import type { TeacherSpec, WorkerEvent } from '../protocol/messages';
import { Teacher } from '../train/teacher';

export type TeacherEvent = Extract<WorkerEvent, { type: 'teacher' }>;

export class TeacherSlot {
  private current: Teacher | null = null;
  /** What the teacher was built from, to build it again on another backend. */
  private spec: TeacherSpec | null = null;
  /** The data set's classes the teacher was built for. */
  private classCount = IDX_CLASS_COUNT;

  get teacher(): Teacher | null {
    return this.current;
  }

  /**
   * Replaces the teacher with the one spec describes (null: none) and says so in the event for the page, with its
   * accuracy on `validation` (null without a dataset). attach hands the new teacher (or null) to the run and its
   * twin: null first, before the old one is disposed. A teacher that does not load (its weights do not fit its
   * config, non-finite values) is refused with a message, and the run goes on without one.
   */
  async choose(spec: TeacherSpec | null, validation: ImageSet | null, attach: (teacher: Teacher | null) => void, classCount = IDX_CLASS_COUNT): Promise<TeacherEvent> {
    attach(null);
    this.drop();
    if (!spec) return { type: 'teacher', label: null, validationAccuracy: null, message: '' };
    let teacher: Teacher;
    let validated: TeacherSpec;
    try {
      validated = { ...spec, config: validateConfig(spec.config) };
      teacher = new Teacher(validated, classCount);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { type: 'teacher', label: null, validationAccuracy: null, message: `"${spec.label}" cannot teach: ${reason}` };
    }
    this.current = teacher;
    this.spec = validated;
    this.classCount = classCount;
    attach(teacher);
    const validationAccuracy = validation ? await teacher.accuracy(validation) : null;
    return { type: 'teacher', label: spec.label, validationAccuracy, message: '' };
  }

  /** The backend changed under it (a lost GPU): the same teacher again, built on the new backend. */
  /** Builds the teacher again from its spec (on another backend); the old one's tensors are already gone. */
  rebuild(): void {
    this.current = this.spec ? new Teacher(this.spec, this.classCount) : null;
  }

  /** Frees the teacher's tensors and keeps its spec, so that rebuild() makes it again (a move between backends). */
  release(): void {
    this.current?.dispose();
    this.current = null;
  }

  drop(): void {
    this.current?.dispose();
    this.current = null;
    this.spec = null;
  }
}
