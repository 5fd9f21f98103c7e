/**
 * Deploy: the trained network leaves the page as integer-only C for a microcontroller (a zip) or as ONNX. The
 * figures are core's size model for a Cortex-M0+ (mcuFootprint.ts); the exports are made in the worker.
 */
import { configFootprint } from '../core/export/mcuFootprint';
import { integerOnlyConfigProblem } from '../core/model/integerModel';
import { PACKING_LABELS, type TritPacking } from '../core/quant/tritBytes';
import { detectorSums } from '../core/export/budgetAdvice';
import { pytorchExportProblem } from '../core/export/pytorchSupport';
import { useClassNames, useConfig, useDatasetChoice, useDataImageShape, useDeploy, useKeywordFrontEnd, useStatus } from '../store/hooks';
import { exportModel } from '../store/workerBridge';
import { bytes } from './format';
import { Tip, tipId } from './Tip';

const PACKINGS: TritPacking[] = ['base3', 'base4'];

function footprintOrNull(...args: Parameters<typeof configFootprint>): ReturnType<typeof configFootprint> | null {
  try {
    return configFootprint(...args);
  } catch {
    return null;
  }
}

export function DeployPanel() {
  const { config } = useConfig();
  const { packing, task, result, choosePacking } = useDeploy();
  const { status } = useStatus();
  // A layer list being edited may not fit together yet; the layer editor says why.
  const footprint = footprintOrNull(config, packing, useClassNames().length, useDataImageShape());
  const frontEnd = useKeywordFrontEnd();
  const sums = footprint && frontEnd ? detectorSums(footprint, frontEnd) : null;
  const cProblem = integerOnlyConfigProblem(config);
  const pytorchProblem = pytorchExportProblem(useDatasetChoice().datasetId);
  const busy = task !== null || status === 'loading';
  return (
    <figure className="chart deploy-panel" data-testid="deploy-panel">
      <figcaption>Deploy: take the network to a microcontroller (integer-only C) or any runtime (ONNX)</figcaption>
      <label>
        C packing{' '}
        <select data-testid="export-packing" value={packing} onChange={(e) => choosePacking(e.target.value as TritPacking)}>
          {PACKINGS.map((p) => (
            <option key={p} value={p}>
              {PACKING_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      {footprint && (
        <table className="size-table" data-testid="deploy-figures" data-flash={footprint.flashBytes} data-ram={footprint.ramBytes}>
          <tbody>
            <tr>
              <th scope="row">Weights</th>
              <td>
                {footprint.weightCount.toLocaleString()} weights in {bytes(footprint.weightBytes)}, {footprint.bitsPerWeight.toFixed(3)} bits per weight
              </td>
            </tr>
            <tr>
              <th scope="row">Flash on a Cortex-M0+ (code + weights, estimated){frontEnd ? ', network alone' : ''}</th>
              <td>{bytes(footprint.flashBytes)}</td>
            </tr>
            <tr>
              <th scope="row">RAM (static buffers) and stack{frontEnd ? ', network alone' : ''}</th>
              <td>
                {bytes(footprint.ramBytes)} + {footprint.stackBytes} B stack
              </td>
            </tr>
            {sums && (
              <tr data-testid="deploy-detector-figures">
                <th scope="row">With the audio front end (the keyword detector, as the budget above counts it)</th>
                <td>
                  flash {sums.flash}; RAM + stack {sums.ram}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {cProblem && (
        <p className="muted" data-testid="export-c-unavailable">
          {cProblem}
        </p>
      )}
      {pytorchProblem && (
        <p className="muted" data-testid="export-pytorch-unavailable">
          {pytorchProblem}
        </p>
      )}
      <div className="kernel-actions">
        <span className="explained">
          <button type="button" data-testid="export-c" aria-describedby={tipId('export-c')} disabled={busy || cProblem !== null} onClick={() => exportModel('c', packing)}>
            {task === 'c' ? 'Exporting C…' : 'Download C for a microcontroller (.zip)'}
          </button>
          <Tip name="export-c">
            {cProblem ?? 'A header and a C file that classify an image with integer arithmetic only, with the packed weights as const arrays, checked against this page.'}
          </Tip>
        </span>
        <span className="explained">
          <button type="button" data-testid="export-onnx" aria-describedby={tipId('export-onnx')} disabled={busy} onClick={() => exportModel('onnx', packing)}>
            {task === 'onnx' ? 'Exporting ONNX…' : 'Download ONNX'}
          </button>
          <Tip name="export-onnx">The trained network as an ONNX model (ternary weights times their scales) for ONNX Runtime and other tools.</Tip>
        </span>
        <span className="explained">
          <button type="button" data-testid="export-pytorch" aria-describedby={tipId('export-pytorch')} disabled={busy || pytorchProblem !== null} onClick={() => exportModel('pytorch', packing)}>
            {task === 'pytorch' ? 'Exporting PyTorch…' : 'Download PyTorch project (.zip)'}
          </button>
          <Tip name="export-pytorch">
            {pytorchProblem ?? 'A PyTorch project that trains this network further on a CPU, a GPU or many (torchrun), and writes checkpoints this page loads.'}
          </Tip>
        </span>
      </div>
      {result && (
        <p data-testid="export-result" data-ok={result.ok} role={result.ok ? 'status' : 'alert'}>
          {result.ok ? `${result.fileName} (${bytes(result.byteLength)}): ${result.message}` : `Export failed: ${result.message}`}
        </p>
      )}
    </figure>
  );
}
