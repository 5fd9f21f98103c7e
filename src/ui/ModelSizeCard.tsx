import { modelCost } from '../core/model/modelCost';
import { passesPerImage } from '../core/model/shiftAveraging';
import { useConfig, useWeightReport } from '../store/hooks';
import { bytes, percent } from './format';

export function ModelSizeCard() {
  const report = useWeightReport();
  const passes = passesPerImage(useConfig().config.shiftAveraging);
  if (!report) return <div className="chart" data-testid="model-size">No model yet.</div>;
  const cost = modelCost(
    report.layers.map((l) => ({
      inputSize: l.inputSize,
      outputSize: l.outputSize,
      zeros: l.counts.zero,
      positions: l.conv ? l.conv.output.height * l.conv.output.width : 1,
    })),
    passes,
  );
  const rows: [string, string][] = [
    ['Weights', cost.weights.toLocaleString()],
    ['Other parameters (bias, scale; float32)', cost.otherParameters.toLocaleString()],
    ['Sparsity', percent(cost.sparsity)],
    ['float32', bytes(cost.bytesFloat32)],
    ['2-bit packed (16 per u32)', `${bytes(cost.bytesPacked2Bit)} (${(cost.bytesFloat32 / cost.bytesPacked2Bit).toFixed(1)}× smaller)`],
    ['1.6-bit (5 trits per byte)', bytes(cost.bytesPacked5PerByte)],
    ['Ideal log2(3) bits', bytes(Math.ceil(cost.bytesIdeal))],
    ['Float multiply-accumulates / inference', `${cost.floatMacs.toLocaleString()}${passes > 1 ? ` (${passes} passes: shift averaging)` : ''}`],
    ['Ternary adds/subtracts / inference (zeros skipped)', `${cost.ternaryAddSubs.toLocaleString()}, no multiplies`],
  ];
  return (
    <figure className="chart" data-testid="model-size" data-weights={cost.weights} data-packed-bytes={cost.bytesPacked2Bit}>
      <figcaption>Size and cost of the current ternary model</figcaption>
      <table className="size-table">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
