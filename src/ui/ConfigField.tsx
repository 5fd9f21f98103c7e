/**
 * One config field as the form shows it, all from the field table (core/model/configFields.ts): its label, its
 * control (`config-<field>`), a "?" button that shows or hides its description, and, while it is disabled, why.
 * The description is the control's accessible description (aria-describedby) whether shown or not.
 */
import { useId, useState, type ReactNode } from 'react';
import type { TrainConfig } from '../core/model/config';
import { FIELDS, type ChoiceFieldSpec, type FieldKey, type NumberFieldSpec } from '../core/model/configFields';
import { useConfig, useStatus, useStoreActions } from '../store/hooks';
import { disabledReason } from './configForm';

/** A field's ids and help state: the description's id for aria-describedby, the toggle for the "?" button. */
export function useFieldHelp(field: FieldKey) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const { config } = useConfig();
  const { status } = useStatus();
  const reason = disabledReason(field, { status, config });
  const descriptionId = `${id}-description`;
  const reasonId = `${id}-reason`;
  return {
    controlId: `${id}-control`,
    describedBy: reason === null ? descriptionId : `${descriptionId} ${reasonId}`,
    disabled: reason !== null,
    helpButton: (
      <button type="button" className="config-help-toggle" aria-expanded={open} aria-controls={descriptionId} aria-describedby={descriptionId} onClick={() => setOpen(!open)}>
        ?<span className="config-visually-hidden"> About {FIELDS[field].label}</span>
      </button>
    ),
    help: (
      <>
        <p id={descriptionId} className="config-field-help" hidden={!open}>
          {FIELDS[field].description}
        </p>
        {reason === null ? null : (
          <p id={reasonId} className="config-field-reason">
            {reason}
          </p>
        )}
      </>
    ),
  };
}

/** A label with its "?" button, the control, and the help text below. */
function FieldRow(props: { field: FieldKey; controlId: string; helpButton: ReactNode; help: ReactNode; children: ReactNode; checkbox?: boolean }) {
  const label = <label htmlFor={props.controlId}>{FIELDS[props.field].label}</label>;
  return (
    <div className="config-field" data-field={props.field}>
      <div className="config-field-head">
        {props.checkbox ? props.children : null}
        {label}
        {props.helpButton}
      </div>
      {props.checkbox ? null : props.children}
      {props.help}
    </div>
  );
}

/** The control of one number, choice or true/false field (the layer list has its own editor, ui/LayerEditor.tsx). */
export function ConfigField({ field, onToggle }: { field: FieldKey; onToggle?: (checked: boolean) => void }) {
  const { config } = useConfig();
  const { userEditedConfig } = useStoreActions();
  const { controlId, describedBy, disabled, helpButton, help } = useFieldHelp(field);
  const spec = FIELDS[field];
  const edit = (value: unknown) => userEditedConfig({ [field]: value } as Partial<TrainConfig>);
  const common = { id: controlId, 'data-testid': `config-${field}`, disabled, 'aria-describedby': describedBy };
  const value = config[field];
  let control: ReactNode;
  switch (spec.kind) {
    case 'number':
      control = <NumberInput common={common} spec={spec} value={value as number} onChange={edit} />;
      break;
    case 'choice':
      control = <ChoiceSelect common={common} spec={spec} value={value as string | number} onChange={edit} />;
      break;
    case 'boolean':
      control = <input type="checkbox" {...common} checked={value as boolean} onChange={(e) => (onToggle ?? edit)(e.target.checked)} />;
      break;
    case 'layers':
      throw new Error(`${field} is edited by the layer editor, not a field of its own.`);
  }
  return (
    <FieldRow field={field} controlId={controlId} helpButton={helpButton} help={help} checkbox={spec.kind === 'boolean'}>
      {control}
    </FieldRow>
  );
}

type CommonProps = { id: string; 'data-testid': string; disabled: boolean; 'aria-describedby': string };

/** An empty input is NaN, which validation reports by the field's name. */
function NumberInput(props: { common: CommonProps; spec: NumberFieldSpec; value: number; onChange: (value: number) => void }) {
  return (
    <input
      type="number"
      {...props.common}
      step={props.spec.step}
      min={props.spec.min}
      max={props.spec.max}
      value={Number.isNaN(props.value) ? '' : props.value}
      onChange={(e) => props.onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
    />
  );
}

function ChoiceSelect(props: { common: CommonProps; spec: ChoiceFieldSpec; value: string | number; onChange: (value: string | number) => void }) {
  const { choices, choiceLabels } = props.spec;
  const numeric = typeof choices[0] === 'number';
  return (
    <select {...props.common} value={String(props.value)} onChange={(e) => props.onChange(numeric ? Number(e.target.value) : e.target.value)}>
      {choices.map((choice) => (
        <option key={choice} value={choice}>
          {choiceLabels?.[choice] ?? choice}
        </option>
      ))}
    </select>
  );
}
