/**
 * The session's status (TrainStatus) and the only way it changes: transition(), which checks the move against
 * TRANSITIONS and posts it. Also the words the status line uses for a finished or diverged run.
 */
import type { PostEvent, TrainStatus } from '../protocol/messages';
import type { StepResult, Trainer } from '../train/trainer';

/** Which status may follow which; anything else is a bug in the session, reported as such. */
export const TRANSITIONS: Record<TrainStatus, readonly TrainStatus[]> = {
  idle: ['idle', 'loading', 'training', 'paused', 'done', 'error'],
  loading: ['idle', 'paused', 'done', 'error', 'loading'],
  training: ['paused', 'done', 'error', 'idle'],
  paused: ['paused', 'training', 'idle', 'loading', 'done', 'error'],
  done: ['done', 'idle', 'loading', 'paused', 'error'],
  error: ['error', 'idle', 'loading', 'paused', 'training', 'done'],
};

export class StatusMachine {
  private current: TrainStatus = 'idle';

  constructor(private readonly post: PostEvent) {}

  get status(): TrainStatus {
    return this.current;
  }

  /** The one place the status changes; every change is posted (a move TRANSITIONS forbids as an 'Internal:' error). */
  transition(next: TrainStatus, detail = ''): void {
    if (!TRANSITIONS[this.current].includes(next)) {
      this.post({ type: 'error', message: `Internal: status ${this.current} cannot become ${next}.` });
    }
    this.current = next;
    this.post({ type: 'status', status: next, detail });
  }

  /** A task failed: 'error', with its message as the detail and as an error event. */
  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.transition('error', message);
    this.post({ type: 'error', message });
  }

  /** Disposal: back to idle without a word (nobody listens any more). */
  settle(): void {
    this.current = 'idle';
  }
}

/** What went wrong with a step whose loss or weights are not finite. */
export function divergenceCause(result: StepResult): string {
  return Number.isFinite(result.loss) ? 'a weight became non-finite' : `the loss became ${result.loss}`;
}

/**
 * What the status line says when a run has finished: its epochs and what the trainer did at the end, as it
 * recorded it (a run restored from a state saved before that was recorded says nothing of its end).
 */
export function finishedDetail(trainer: Trainer): string {
  const { epochs, emaDecay } = trainer.config;
  const parts = [`finished ${epochs} epoch${epochs === 1 ? '' : 's'}`];
  const end = trainer.endOfRun;
  if (end?.weightsAveraged) parts.push(`the weights are their moving averages (EMA decay ${emaDecay})`);
  if (end?.batchNormRecalibrated) parts.push(`batch-norm statistics recalibrated on the ${trainer.data.train.count.toLocaleString('en-US')} training images`);
  return parts.join('; ');
}
