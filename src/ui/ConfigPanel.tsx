/**
 * The settings form: the preset, a one-line summary of the config, then every config field, rendered from the field
 * table through ui/configForm.ts (sections, the "Advanced" disclosure, why a field is disabled). Each field explains
 * itself with a "?" that shows its description.
 */
import { useId, useState } from 'react';
import { INFERENCE_SETTINGS, presetSummary } from '../core/model/config';
import { FIELDS } from '../core/model/configFields';
import { useClassNames, useConfig, useDataImageShape, useStatus, useStoreActions } from '../store/hooks';
import { setInferenceSettings } from '../store/workerBridge';
import { AugmentPreview } from './AugmentPreview';
import { ConfigField } from './ConfigField';
import { advancedInUse, FORM_LAYOUT, type FormBlock, type FormSection } from './configForm';
import { DistillationPanel } from './DistillationPanel';
import { LayerEditor } from './LayerEditor';
import { Tip, tipId } from './Tip';
import './configPanel.css';

const LIVE_SETTINGS = INFERENCE_SETTINGS.map((field) => FIELDS[field].label.toLowerCase()).join(' and ');

function Block({ block, locked }: { block: FormBlock; locked: boolean }) {
  const { presetId, revision } = useConfig();
  switch (block.kind) {
    case 'layer-editor':
      return <LayerEditor key={`${presetId}-${revision}`} disabled={locked} />;
    case 'distillation':
      return <DistillationPanel />;
    case 'field':
      // Shift averaging moves live on a trained run, so it goes to the worker at once rather than with the next configure.
      return block.field === 'shiftAveraging' ? <ConfigField field="shiftAveraging" onToggle={(on) => setInferenceSettings({ shiftAveraging: on })} /> : <ConfigField field={block.field} />;
  }
}

function Section({ section, locked }: { section: FormSection; locked: boolean }) {
  const [only] = section.blocks;
  // The distillation panel is a fieldset of its own (teacher, α, T, status): no second frame around it.
  if (section.blocks.length === 1 && only?.kind === 'distillation') return <Block block={only} locked={locked} />;
  return (
    <fieldset className="config-section" data-section={section.section}>
      <legend>{section.title}</legend>
      {section.blocks.map((block) => (
        <Block key={block.kind === 'field' ? block.field : block.kind} block={block} locked={locked} />
      ))}
      {section.section === 'augmentation' ? <AugmentPreview /> : null}
    </fieldset>
  );
}

export function ConfigPanel() {
  const { presetId, config } = useConfig();
  const { status } = useStatus();
  const { userChosePreset } = useStoreActions();
  const classCount = useClassNames().length;
  const image = useDataImageShape();
  const locked = status === 'training' || status === 'loading';
  const [advancedOpen, setAdvancedOpen] = useState(() => advancedInUse(config));
  const advancedId = useId();
  return (
    <fieldset className="panel config-panel">
      <legend>Model and training</legend>
      <p className="config-summary" data-testid="config-summary">
        {presetSummary(presetId, config, classCount, image)}
      </p>
      {FORM_LAYOUT.main.map((section) => (
        <Section key={section.section} section={section} locked={locked} />
      ))}
      <span className="explained">
        <button
          type="button"
          className="config-advanced-toggle"
          data-testid="config-advanced-toggle"
          aria-expanded={advancedOpen}
          aria-controls={advancedId}
          aria-describedby={tipId('config-advanced')}
          onClick={() => setAdvancedOpen(!advancedOpen)}
        >
          Advanced settings
        </button>
        <Tip name="config-advanced">Shows the expert fields: the optimizer (Adam or Muon), weight averaging (EMA), the STE clip and distillation.</Tip>
      </span>
      <div id={advancedId} className="config-advanced" data-testid="config-advanced" hidden={!advancedOpen}>
        {FORM_LAYOUT.advanced.map((section) => (
          <Section key={section.section} section={section} locked={locked} />
        ))}
      </div>
      <span className="explained">
        <button type="button" data-testid="reset-to-preset" aria-describedby={tipId('reset-to-preset')} disabled={locked} onClick={() => userChosePreset(presetId)}>
          Reset the fields to the preset
        </button>
        <Tip name="reset-to-preset">{locked ? 'Pause training first.' : "Puts every field back to the chosen preset's value."}</Tip>
      </span>
      <p className="muted">Changing a setting restarts training from scratch, except {LIVE_SETTINGS}, which a trained run takes on as it is.</p>
    </fieldset>
  );
}
