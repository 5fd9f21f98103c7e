/**
 * How far the GPU's outputs are from the reference's, loaded into the harness page by the kernel tests (it runs
 * in the browser, beside the kernels): fromGpu and fromCpu are (batch, columns) row-major.
 */
import { argmaxRows } from '../../src/core/model/referenceModel';

export interface OutputComparison {
  maxAbsDiff: number;
  /** Largest |difference| / max(1e-3, |reference|). */
  maxRelDiff: number;
  /** Values not bit-identical. */
  exactMismatches: number;
  /** Share of rows whose argmax agrees. */
  predictionAgreement: number;
}

export function compareOutputs(fromGpu: Float32Array, fromCpu: Float32Array, batch: number): OutputComparison {
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  let exactMismatches = 0;
  for (let i = 0; i < fromCpu.length; i++) {
    const diff = Math.abs(fromGpu[i]! - fromCpu[i]!);
    if (fromGpu[i] !== fromCpu[i]) exactMismatches++;
    maxAbsDiff = Math.max(maxAbsDiff, diff);
    maxRelDiff = Math.max(maxRelDiff, diff / Math.max(1e-3, Math.abs(fromCpu[i]!)));
  }
  const columns = fromCpu.length / batch;
  const a = argmaxRows(fromGpu, batch, columns);
  const b = argmaxRows(fromCpu, batch, columns);
  let agree = 0;
  for (let i = 0; i < batch; i++) if (a[i] === b[i]) agree++;
  return { maxAbsDiff, maxRelDiff, exactMismatches, predictionAgreement: agree / batch };
}
