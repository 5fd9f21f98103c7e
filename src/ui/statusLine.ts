/** The status line's sentence: what the page is doing, in words, from the session's state. Pure, unit-tested. */
import { epochInProgress } from '../core/run/runLabels';
import type { TrainStatus } from '../protocol/messages';

export interface StatusLineInput {
  status: TrainStatus;
  /** The backend training runs on; null while the worker is still starting. */
  backend: string | null;
  /** Backends are being measured in the background (the run may move to a faster one). */
  measuring: boolean;
  /** Train was pressed and the run has not started yet. */
  trainRequested: boolean;
  /** Epochs the run has finished (the trainer's count); the line counts 1..epochs. */
  completedEpochs: number;
  epochs: number;
  globalStep: number;
}

const MEASURING = 'measuring backends in the background (about 20 s)…';

export function statusLine(input: StatusLineInput): string {
  const epoch = `epoch ${epochInProgress(input.completedEpochs, input.epochs)} of ${input.epochs}`;
  const measuring = input.measuring ? `; ${MEASURING}` : '';
  switch (input.status) {
    case 'loading':
      return input.trainRequested ? 'Train pressed: loading the data, then training starts…' : 'loading the data…';
    case 'training':
      return `training, ${epoch}${measuring}`;
    case 'paused':
      return `paused at step ${input.globalStep}, ${epoch}`;
    case 'done':
      return `finished ${input.epochs} epoch${input.epochs === 1 ? '' : 's'}: Train again starts a new run`;
    case 'error':
      return 'stopped by an error (see the message)';
    case 'idle':
      if (input.trainRequested) {
        return input.backend === null ? 'Train pressed: starting TensorFlow.js, then training starts…' : 'Train pressed: starting…';
      }
      if (input.backend === null) return 'starting TensorFlow.js…';
      return `ready: press Train${measuring}`;
  }
}
