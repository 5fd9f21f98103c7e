/** Inference on our WGSL ternary kernels: accuracy against tfjs, and the side-by-side benchmark. */
import { useConfig, useInferencePath, useKernelResults, useStatus } from '../store/hooks';
import { benchmarkKernels, evaluateWithKernel } from '../store/workerBridge';
import { bytes, percent } from './format';
import { Tip, tipId } from './Tip';

export function KernelPanel() {
  const inference = useInferencePath();
  const { evaluation, bench, task } = useKernelResults();
  const { status } = useStatus();
  const { config } = useConfig();
  const unavailable = status === 'loading' || task !== null || config.weightQuantizer === 'none';
  const unavailableReason =
    status === 'loading' ? 'Waiting for the data and a backend to load.'
    : task !== null ? 'Another kernel task is running.'
    : config.weightQuantizer === 'none' ? 'The float twin has no ternary weights to run.'
    : null;
  return (
    <figure className="chart kernel-panel">
      <figcaption>
        Ternary inference on our WGSL kernels (packed 2-bit weights, additions and subtractions):{' '}
        <strong data-testid="inference-backend">
          {inference ? (inference.path === 'webgpu' ? `webgpu (${inference.adapter})` : 'cpu (reference; no WebGPU here)') : '…'}
        </strong>
      </figcaption>
      {inference?.path === 'webgpu' && (
        <details className="muted">
          <summary>Advanced: kernel variants</summary>
          The packed-int8 dot product (WGSL dot4I8Packed, a faster kernel variant) is{' '}
          {inference.hasDot4 ? 'available' : 'not available'} on this adapter.
        </details>
      )}
      {config.weightQuantizer === 'none' && <p className="muted">The float twin has no ternary weights to run.</p>}
      <div className="kernel-actions">
        <span className="explained">
          <button type="button" data-testid="kernel-eval" aria-describedby={tipId('kernel-eval')} disabled={unavailable} onClick={evaluateWithKernel}>
            {task === 'evaluate' ? 'Evaluating…' : 'Evaluate with the ternary kernel'}
          </button>
          <Tip name="kernel-eval">{unavailableReason ?? 'Classifies the validation split with the packed ternary kernels and compares accuracy and predictions with TensorFlow.js.'}</Tip>
        </span>
        <span className="explained">
          <button type="button" data-testid="kernel-bench" aria-describedby={tipId('kernel-bench')} disabled={unavailable} onClick={benchmarkKernels}>
            {task === 'benchmark' ? 'Benchmarking…' : 'Benchmark kernels vs TensorFlow.js'}
          </button>
          <Tip name="kernel-bench">{unavailableReason ?? 'Times a forward pass of each layer on the ternary kernels and on TensorFlow.js, side by side.'}</Tip>
        </span>
      </div>
      {evaluation && (
        <p data-testid="kernel-eval-result">
          On the {evaluation.split} split ({evaluation.count.toLocaleString()} images): kernels ({evaluation.kernels.join(' + ')},{' '}
          {evaluation.path}) <strong data-testid="kernel-eval-acc">{percent(evaluation.kernelAccuracy, 2)}</strong> in{' '}
          {evaluation.kernelMs.toFixed(0)} ms; TensorFlow.js, same quantized model{' '}
          <strong data-testid="kernel-eval-ref-acc">{percent(evaluation.tfjsAccuracy, 2)}</strong> in {evaluation.tfjsMs.toFixed(0)} ms;
          identical predictions on <span data-testid="kernel-eval-agreement">{percent(evaluation.agreement, 2)}</span>.
        </p>
      )}
      <div data-testid="kernel-bench-result" data-json={bench ? JSON.stringify(bench.rows) : ''}>
        {bench && (
          <table className="size-table">
            <thead>
              <tr>
                <th>kernel</th>
                <th>batch</th>
                <th>kernel ms</th>
                <th>tfjs float ms ({bench.backend})</th>
                <th>speedup</th>
                <th>CPU reference ms</th>
                <th>agree</th>
                <th>weights on GPU</th>
              </tr>
            </thead>
            <tbody>
              {bench.rows.map((row) => (
                <tr key={`${row.kernel}-${row.batch}`}>
                  <td>{row.kernel}</td>
                  <td>{row.batch}</td>
                  <td>{row.ms.toFixed(1)}</td>
                  <td>{row.tfjsMs.toFixed(1)}</td>
                  <td>{row.speedup.toFixed(2)}×</td>
                  <td>{row.cpuMs === null ? '—' : row.cpuMs.toFixed(0)}</td>
                  <td>{percent(row.agreement, 1)}</td>
                  <td>
                    {bytes(row.weightBytes)} vs {bytes(row.tfjsWeightBytes)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </figure>
  );
}
