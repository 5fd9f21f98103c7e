/**
 * The whole state of a training run as plain arrays, off the device: what a snapshot, a restored run (after a lost
 * GPU or a restarted worker) and a checkpoint carry. src/train/trainer.ts captures and restores it.
 */
import type { RngState } from '../data/rng';

export interface OptimizerState {
  step: number;
  /**
   * Adam's first and second moments, one array per trainable variable, in the model's variable order. A variable
   * Muon updates (src/train/muon.ts) keeps its momentum as the first moment; its second moment stays 0.
   */
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

/** What the trainer did to the model when its last epoch ended (src/train/trainer.ts, finish). */
export interface EndOfRun {
  /** The model took the moving averages of its weights (config.emaDecay > 0). */
  weightsAveraged: boolean;
  /** Batch norm's statistics were recalibrated on the training split. */
  batchNormRecalibrated: boolean;
}

export interface TrainerState {
  epoch: number;
  stepInEpoch: number;
  globalStep: number;
  /** The current epoch's order of training examples. */
  epochOrder: Uint32Array;
  rng: RngState;
  /** Every model variable (weights, biases, batch-norm parameters and moving statistics), in model order. */
  variables: Float32Array[];
  optimizer: OptimizerState;
  /**
   * With config.emaDecay > 0: the moving averages of the trainable variables, in the optimizer's variable order;
   * null without (and in states from files that lack them).
   */
  averages: Float32Array[] | null;
  /**
   * Set when the run has ended: what was done to the model then. null while it runs, and for a finished run
   * from a file that lacks the field (its model may be neither averaged nor recalibrated, and nothing says so).
   */
  endOfRun: EndOfRun | null;
}

/** True when every value of the state's variables is finite. */
export function stateIsFinite(state: TrainerState): boolean {
  return state.variables.every((values) => values.every(Number.isFinite));
}

/**
 * A copy of the state whose arrays can be transferred (postMessage): the sender keeps its own, and the receiver
 * gets the copy without a structured clone on its thread (the page's main thread, where megabytes of weights
 * would otherwise be deserialized in one task).
 */
export function transferableCopy(state: TrainerState): { state: TrainerState; transfer: ArrayBuffer[] } {
  const copy: TrainerState = {
    ...state,
    rng: { ...state.rng },
    epochOrder: state.epochOrder.slice(),
    variables: state.variables.map((values) => values.slice()),
    optimizer: {
      step: state.optimizer.step,
      firstMoments: state.optimizer.firstMoments.map((values) => values.slice()),
      secondMoments: state.optimizer.secondMoments.map((values) => values.slice()),
    },
    averages: state.averages?.map((values) => values.slice()) ?? null,
    endOfRun: state.endOfRun ? { ...state.endOfRun } : null,
  };
  const transfer = [copy.epochOrder, ...copy.variables, ...copy.optimizer.firstMoments, ...copy.optimizer.secondMoments, ...(copy.averages ?? [])].map(
    (array) => array.buffer as ArrayBuffer,
  );
  return { state: copy, transfer };
}
