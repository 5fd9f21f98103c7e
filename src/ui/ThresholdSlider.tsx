import { THRESHOLD_RANGE } from '../core/model/config';
import { useThreshold, useThresholdEvaluation, useWeightReport } from '../store/hooks';
import { setInferenceSettings } from '../store/workerBridge';
import { percent } from './format';

/** Reference values of t marked on the slider. */
const MARKS = [
  { value: 0.5, label: 'BitNet b1.58 (0.5)', row: 0 },
  { value: 0.7, label: 'TWN (0.7)', row: 1 },
];

export function ThresholdSlider() {
  const threshold = useThreshold();
  const evaluation = useThresholdEvaluation();
  const report = useWeightReport();
  const span = THRESHOLD_RANGE.max - THRESHOLD_RANGE.min;
  return (
    <div className="threshold">
      <label htmlFor="threshold-slider">
        Threshold factor t = <strong data-testid="threshold-value">{threshold.toFixed(2)}</strong>
        {report && <span className="muted"> (Δ of layer 1 = {report.layers[0]?.threshold.toExponential(2)})</span>}
      </label>
      <div className="slider-wrap">
        <input
          id="threshold-slider"
          data-testid="threshold-slider"
          type="range"
          min={THRESHOLD_RANGE.min}
          max={THRESHOLD_RANGE.max}
          step={0.01}
          value={threshold}
          list="threshold-marks"
          aria-valuetext={`t = ${threshold.toFixed(2)}`}
          onChange={(e) => setInferenceSettings({ threshold: Number(e.target.value) })}
        />
        <datalist id="threshold-marks">
          {MARKS.map((mark) => (
            <option key={mark.value} value={mark.value} label={mark.label} />
          ))}
        </datalist>
        <div className="slider-marks" aria-hidden="true">
          {MARKS.map((mark) => (
            <span
              key={mark.value}
              style={{ left: `${((mark.value - THRESHOLD_RANGE.min) / span) * 100}%`, top: `${mark.row * 14}px` }}
            >
              ▲ {mark.label}
            </span>
          ))}
        </div>
      </div>
      <p className="muted">
        Moves the line between 0 and ±1 on the current latent weights at once; training, if running, continues with it.
        {evaluation &&
          ` Validation accuracy at t = ${evaluation.threshold.toFixed(2)}: ${percent(evaluation.accuracy, 2)} (re-evaluated in ${evaluation.milliseconds.toFixed(0)} ms).`}
      </p>
    </div>
  );
}
