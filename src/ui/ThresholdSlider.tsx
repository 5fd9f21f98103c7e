import { THRESHOLD_RANGE } from '../core/model/config';
import { useProgress, useThreshold, useThresholdEvaluation, useWeightReport } from '../store/hooks';
import { checklistStepDone } from '../store/layout';
import { setInferenceSettings } from '../store/workerBridge';
import { percent } from './format';
import { SparsityFigure } from './SparsityPanel';

/** Reference values of t marked on the slider. */
const MARKS = [
  { value: 0.5, label: 'BitNet b1.58 (0.5)', row: 0 },
  { value: 0.7, label: 'TWN (0.7)', row: 1 },
];

export function ThresholdSlider() {
  const threshold = useThreshold();
  const evaluation = useThresholdEvaluation();
  const report = useWeightReport();
  const { globalStep } = useProgress();
  const span = THRESHOLD_RANGE.max - THRESHOLD_RANGE.min;
  return (
    <div className="threshold">
      <label htmlFor="threshold-slider">
        Threshold t = <strong data-testid="threshold-value">{threshold.toFixed(2)}</strong>
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
          aria-describedby="threshold-help"
          onChange={(e) => {
            setInferenceSettings({ threshold: Number(e.target.value) });
            if (globalStep > 0) checklistStepDone('movedThreshold');
          }}
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
      {/* Space for two lines is kept whether or not an evaluation is shown, so nothing below moves. */}
      <p className="muted threshold-help" id="threshold-help">
        A weight becomes 0 when |w| &lt; t · mean|W| of its layer, else ±1. Moving t re-quantizes the trained weights at
        once{report ? '' : ' (train first to see its effect)'}.
        {evaluation &&
          ` Validation accuracy at t = ${evaluation.threshold.toFixed(2)}: ${percent(evaluation.accuracy, 2)}.`}
      </p>
      <SparsityFigure />
    </div>
  );
}
