import type { TrainConfig } from '../core/model/config';
import { useConfig, useStoreActions } from '../store/hooks';

export type NumericKey =
  | 'threshold'
  | 'steClip'
  | 'learningRate'
  | 'emaDecay'
  | 'batchSize'
  | 'epochs'
  | 'seed'
  | 'augmentShift'
  | 'augmentRotation'
  | 'augmentScale'
  | 'distillWeight'
  | 'distillTemperature';

/** One numeric config field (config-KEY); an empty field is NaN, which validation reports by name. */
export function NumericField(props: { field: NumericKey; label: string; step: string; disabled: boolean }) {
  const { config } = useConfig();
  const { userEditedConfig } = useStoreActions();
  const value: TrainConfig[NumericKey] = config[props.field];
  return (
    <label>
      {props.label}
      <input
        type="number"
        data-testid={`config-${props.field}`}
        step={props.step}
        disabled={props.disabled}
        value={Number.isNaN(value) ? '' : value}
        onChange={(e) => userEditedConfig({ [props.field]: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
      />
    </label>
  );
}
