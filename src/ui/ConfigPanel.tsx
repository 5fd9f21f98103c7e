import {
  ACTIVATION_QUANTIZERS,
  HIDDEN_ACTIVATIONS,
  LR_SCHEDULES,
  NORM_KINDS,
  OPTIMIZERS,
  PRESET_LABELS,
  WEIGHT_QUANTIZERS,
  WEIGHT_SCALES,
  type PresetId,
  type TrainConfig,
} from '../core/model/config';
import { INPUT_RESOLUTIONS, type InputResolution } from '../core/model/inputResolution';
import { useConfig, useStatus, useStoreActions } from '../store/hooks';
import { setInferenceSettings } from '../store/workerBridge';
import { AugmentPreview } from './AugmentPreview';
import { DistillationPanel } from './DistillationPanel';
import { LayerEditor } from './LayerEditor';
import { NumericField, type NumericKey } from './NumericField';

const NUMERIC_FIELDS: { key: NumericKey; label: string; step: string }[] = [
  { key: 'threshold', label: 'Threshold t', step: '0.05' },
  { key: 'steClip', label: 'STE clip', step: '0.1' },
  { key: 'learningRate', label: 'Learning rate', step: '0.0005' },
  { key: 'emaDecay', label: 'Weight averaging: EMA decay (0 = off; the run ends on the averages)', step: '0.0005' },
  { key: 'batchSize', label: 'Batch size', step: '1' },
  { key: 'epochs', label: 'Epochs', step: '1' },
  { key: 'seed', label: 'Seed', step: '1' },
  { key: 'augmentShift', label: 'Augmentation: shift up to ± pixels (0 = off)', step: '0.5' },
  { key: 'augmentRotation', label: 'Augmentation: rotation up to ± degrees (0 = off)', step: '1' },
  { key: 'augmentScale', label: 'Augmentation: scaling up to ± (0.1 = 90–110 %; 0 = off)', step: '0.05' },
];

function SelectField<K extends keyof TrainConfig>(props: { label: string; field: K; options: readonly string[]; disabled: boolean }) {
  const { config } = useConfig();
  const { userEditedConfig } = useStoreActions();
  return (
    <label>
      {props.label}
      <select
        data-testid={`config-${String(props.field)}`}
        disabled={props.disabled}
        value={String(config[props.field])}
        onChange={(e) => userEditedConfig({ [props.field]: e.target.value } as Partial<TrainConfig>)}
      >
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ConfigPanel() {
  const { presetId, config, revision } = useConfig();
  const { status } = useStatus();
  const { userChosePreset, userEditedConfig } = useStoreActions();
  const locked = status === 'training' || status === 'loading';
  return (
    <fieldset className="panel">
      <legend>Model and training</legend>
      <label>
        Preset
        <select
          data-testid="preset-select"
          disabled={locked}
          value={presetId}
          onChange={(e) => userChosePreset(e.target.value as PresetId)}
        >
          {(Object.keys(PRESET_LABELS) as PresetId[]).map((id) => (
            <option key={id} value={id}>
              {PRESET_LABELS[id]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Input: the 28×28 image, or its 16×16 area average (fewer first-layer weights, for the smallest chips)
        <select
          data-testid="config-inputResolution"
          disabled={locked}
          value={config.inputResolution}
          onChange={(e) => userEditedConfig({ inputResolution: Number(e.target.value) as InputResolution })}
        >
          {INPUT_RESOLUTIONS.map((side) => (
            <option key={side} value={side}>
              {side}×{side}
              {side === 16 ? ' (area average of the 28×28 image)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          data-testid="config-shiftAveraging"
          disabled={locked}
          checked={config.shiftAveraging}
          onChange={(e) => setInferenceSettings({ shiftAveraging: e.target.checked })}
        />
        Shift averaging at inference: sum the logits of the image and of four copies moved by one pixel (5× the work per
        image, no more weights; in evaluation, kernels, C and ONNX). A trained run takes it on or off as it is.
      </label>
      <LayerEditor key={`${presetId}-${revision}`} disabled={locked} />
      <SelectField label="Weight quantizer" field="weightQuantizer" options={WEIGHT_QUANTIZERS} disabled={locked} />
      <SelectField label="Ternary scale (per layer or per output channel)" field="weightScale" options={WEIGHT_SCALES} disabled={locked} />
      <SelectField label="Activation quantizer" field="activationQuantizer" options={ACTIVATION_QUANTIZERS} disabled={locked} />
      <SelectField label="Normalization" field="norm" options={NORM_KINDS} disabled={locked} />
      <SelectField label="Hidden activation" field="hiddenActivation" options={HIDDEN_ACTIVATIONS} disabled={locked} />
      <SelectField label="Optimizer (muon: orthogonalized updates for the hidden weight matrices, Adam for the rest)" field="optimizer" options={OPTIMIZERS} disabled={locked} />
      <SelectField label="LR schedule (cosine: down to 5 % of the rate; cosine-zero: down to 0)" field="lrSchedule" options={LR_SCHEDULES} disabled={locked} />
      {NUMERIC_FIELDS.map(({ key, label, step }) => (
        <NumericField key={key} field={key} label={label} step={step} disabled={locked} />
      ))}
      <AugmentPreview />
      <DistillationPanel locked={locked} />
      <button type="button" data-testid="reset-to-preset" disabled={locked} onClick={() => userChosePreset(presetId)}>
        Reset the fields to the preset
      </button>
      <p className="muted">Changing a setting restarts training from scratch.</p>
    </fieldset>
  );
}
