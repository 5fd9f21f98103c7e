/**
 * The core loop's preset picker and the chosen setup in one line. The full form lives under Settings
 * (ConfigPanel); both change the same store fields.
 */
import { PRESET_LABELS, presetSummary, type PresetId } from '../core/model/config';
import { useClassNames, useConfig, useDataImageShape, useStatus, useStoreActions } from '../store/hooks';
import { useOpenTab } from '../store/layout';
import { Tip, tipId } from './Tip';

export function PresetPicker() {
  const { presetId, config } = useConfig();
  const { status } = useStatus();
  const { userChosePreset } = useStoreActions();
  const { openTab } = useOpenTab();
  const summary = presetSummary(presetId, config, useClassNames().length, useDataImageShape());
  const locked = status === 'training' || status === 'loading';
  return (
    <div className="preset-picker" data-testid="preset-picker">
      <label htmlFor="preset-select">Preset</label>
      <select
        id="preset-select"
        data-testid="preset-select"
        aria-describedby={tipId('preset')}
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
      <Tip name="preset">
        {locked
          ? 'Pause training to pick another preset.'
          : 'A complete recipe (network, quantizers, optimizer, epochs); picking one starts a new run from scratch.'}
      </Tip>
      <p className="settings-summary muted" data-testid="settings-summary" title={summary}>
        {summary}{' '}
        <span className="explained">
          <button type="button" className="link-button" aria-describedby={tipId('edit-settings')} onClick={() => openTab('settings')}>
            Edit settings
          </button>
          <Tip name="edit-settings">Opens the Settings tab below with every field of this preset.</Tip>
        </span>
      </p>
    </div>
  );
}
