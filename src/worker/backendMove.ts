/**
 * A run rebuilt on another TensorFlow.js backend, for the session's two moves: a lost GPU (the old tensors are gone;
 * the trainer comes back from the last good snapshot) and the background measurement's move to a faster backend
 * (the trainer's state is read on the old backend and goes on, the same, on the new one).
 */
import type { BackendName } from '../core/app/backends';
import type { TrainerState } from '../core/run/trainerState';
import type { Trainer } from '../train/trainer';
import type { TeacherSlot } from './distillation';
import type { FloatTwin } from './floatTwin';
import type { RunSlot } from './runSlot';

/** The parts of a session that hold tensors on the backend. */
export interface BackendBoundParts {
  readonly run: RunSlot;
  readonly twin: FloatTwin;
  readonly teachers: TeacherSlot;
}

/**
 * The run's trainer (and twin, and the teacher's weights) leave the old backend, `move` switches TensorFlow.js, and a
 * new trainer takes `stateFrom` (given the state read from the old trainer, or null). tensorsLost: the old
 * backend's tensors are already gone (a lost device), so nothing can be read or freed there, and a trainer is built
 * even when there was none. Returns the new backend and trainer (null: there was no run to move).
 */
export async function rebuildOnBackend(
  parts: BackendBoundParts,
  move: () => Promise<BackendName>,
  stateFrom: (previous: TrainerState | null) => TrainerState | null,
  tensorsLost: boolean,
): Promise<{ backend: BackendName; active: Trainer | null }> {
  const previous = parts.run.detachTrainer();
  const previousState = previous && !tensorsLost ? await previous.captureState() : null;
  try {
    parts.twin.drop();
    previous?.dispose();
  } catch {
    // A lost device took their tensors with it.
  }
  if (!tensorsLost) parts.teachers.release();
  const backend = await move();
  parts.teachers.rebuild();
  const active = previous || tensorsLost ? parts.run.ensureTrainer(parts.teachers.teacher) : null;
  const state = stateFrom(previousState);
  if (active && state) active.restoreState(state);
  return { backend, active };
}
