/**
 * The compact layer editor: one row per layer of the config's list (kind, its numbers, its weight format, move up
 * or down, remove), a button to add one, the output layer's weight format, and the shapes each weighted layer gets. A list that does not fit (a pool on a 1×1 map, a
 * dense layer on an unflattened map) shows core's message at once; Train refuses it with the same message.
 */
import { configInputShape, layerListProblem } from '../core/model/config';
import { describeLayer, LAYER_KINDS, networkPlan, type LayerKind, type LayerSpec, type WeightedLayerPlan } from '../core/model/layers';
import { useState } from 'react';
import { formatLayerList, parseLayerList } from '../core/model/layers';
import { WEIGHT_FORMATS, type WeightFormat } from '../core/quant/weightFormats';
import { FIELDS } from '../core/model/configFields';
import { useClassNames, useConfig, useDataImageShape, useStoreActions } from '../store/hooks';
import { useFieldHelp } from './ConfigField';

const FORMAT_LABELS: Record<WeightFormat, string> = {
  ternary: 'ternary (1.58 bits)',
  int4: 'int4 (16 levels)',
  int8: 'int8 (255 levels)',
};

/** Layers with few weights (the first convolutions) lose most from three levels; int4 or int8 there costs little flash. */
function FormatSelect(props: { testId: string; label: string; value: WeightFormat | undefined; disabled: boolean; describedBy?: string; onChange: (value: WeightFormat) => void }) {
  return (
    <label className="layer-field" title="How this layer's weights are stored: three levels, or 4- or 8-bit integer codes with a scale (the C export, ONNX and the kernels run all three)">
      {props.label}
      <select data-testid={props.testId} disabled={props.disabled} aria-describedby={props.describedBy} value={props.value ?? 'ternary'} onChange={(e) => props.onChange(e.target.value as WeightFormat)}>
        {WEIGHT_FORMATS.map((format) => (
          <option key={format} value={format}>
            {FORMAT_LABELS[format]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The layer with its format; ternary is the default and is left out, so configs and links stay as they were. */
function withFormat<T extends { weights?: WeightFormat }>(layer: T, weights: WeightFormat): T {
  const rest = { ...layer };
  delete rest.weights;
  return weights === 'ternary' ? rest : { ...rest, weights };
}

/** The layer a kind gets when the user picks it in a row: a reasonable start the user then edits. */
function layerOfKind(kind: LayerKind): LayerSpec {
  switch (kind) {
    case 'conv2d':
      return { kind, filters: 16, kernel: 3, stride: 1, padding: 'same' };
    case 'maxpool2d':
      return { kind, size: 2 };
    case 'flatten':
      return { kind };
    case 'dense':
      return { kind, units: 64 };
  }
}

function NumberField(props: { label: string; testId: string; value: number; disabled: boolean; describedBy: string; onChange: (value: number) => void }) {
  return (
    <label className="layer-field">
      {props.label}
      <input
        type="number"
        step={1}
        data-testid={props.testId}
        disabled={props.disabled}
        aria-describedby={props.describedBy}
        value={Number.isNaN(props.value) ? '' : props.value}
        onChange={(e) => props.onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
      />
    </label>
  );
}

function LayerFields({ layer, disabled, describedBy, onChange }: { layer: LayerSpec; disabled: boolean; describedBy: string; onChange: (layer: LayerSpec) => void }) {
  switch (layer.kind) {
    case 'conv2d':
      return (
        <>
          <NumberField label="filters" testId="layer-filters" value={layer.filters} disabled={disabled} describedBy={describedBy} onChange={(filters) => onChange({ ...layer, filters })} />
          <NumberField label="kernel" testId="layer-kernel" value={layer.kernel} disabled={disabled} describedBy={describedBy} onChange={(kernel) => onChange({ ...layer, kernel })} />
          <NumberField label="stride" testId="layer-stride" value={layer.stride} disabled={disabled} describedBy={describedBy} onChange={(stride) => onChange({ ...layer, stride })} />
          <label className="layer-field">
            padding
            <select data-testid="layer-padding" disabled={disabled} aria-describedby={describedBy} value={layer.padding} onChange={(e) => onChange({ ...layer, padding: e.target.value as 'valid' | 'same' })}>
              <option value="same">same</option>
              <option value="valid">valid</option>
            </select>
          </label>
          <FormatSelect testId="layer-weights" label="weights" value={layer.weights} disabled={disabled} describedBy={describedBy} onChange={(weights) => onChange(withFormat(layer, weights))} />
        </>
      );
    case 'maxpool2d':
      return <NumberField label="size" testId="layer-size" value={layer.size} disabled={disabled} describedBy={describedBy} onChange={(size) => onChange({ ...layer, size })} />;
    case 'flatten':
      return null;
    case 'dense':
      return (
        <>
          <NumberField label="units" testId="layer-units" value={layer.units} disabled={disabled} describedBy={describedBy} onChange={(units) => onChange({ ...layer, units })} />
          <FormatSelect testId="layer-weights" label="weights" value={layer.weights} disabled={disabled} describedBy={describedBy} onChange={(weights) => onChange(withFormat(layer, weights))} />
        </>
      );
  }
}

/** Numbers the text did not give as numbers become NaN, which the editor shows as empty and validation names. */
function asLayerSpecs(items: unknown[]): LayerSpec[] {
  return items.map((item) => {
    const layer = { ...(item as Record<string, unknown>) };
    for (const key of ['filters', 'kernel', 'stride', 'size', 'units']) if (key in layer && typeof layer[key] !== 'number') layer[key] = Number.NaN;
    return layer as unknown as LayerSpec;
  });
}

/**
 * The list as one line of text (`conv2d:16:3:1:same,maxpool2d:2,flatten,dense:64`), the form share links use:
 * quicker than the rows for a known network, and what a user pastes. While the user types, their text stays.
 */
function LayersText({ disabled, describedBy }: { disabled: boolean; describedBy: string }) {
  const { config } = useConfig();
  const { userEditedConfig } = useStoreActions();
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <label>
      Layers as text
      <input
        data-testid="layers-text"
        disabled={disabled}
        aria-describedby={describedBy}
        value={draft ?? formatLayerList(config.layers)}
        onChange={(e) => {
          setDraft(e.target.value);
          userEditedConfig({ layers: asLayerSpecs(parseLayerList(e.target.value)) });
        }}
        onBlur={() => setDraft(null)}
      />
    </label>
  );
}

function planLine(layer: WeightedLayerPlan): string {
  const format = layer.weights === 'ternary' ? '' : `, ${layer.weights}`;
  if (!layer.conv) return `dense ${layer.inputSize}→${layer.outputSize}${layer.isOutput ? ' (output)' : ''}${format}`;
  const { input, output, pooled } = layer.conv;
  const shape = (s: { height: number; width: number; channels: number }) => `${s.height}×${s.width}×${s.channels}`;
  return `conv ${shape(input)}→${shape(output)}${layer.conv.pool ? `, pooled ${shape(pooled)}` : ''}${format}`;
}

export function LayerEditor({ disabled }: { disabled: boolean }) {
  const { config } = useConfig();
  const { userEditedConfig } = useStoreActions();
  const layers = config.layers;
  const setLayers = (next: LayerSpec[]) => userEditedConfig({ layers: next });
  const replace = (index: number, layer: LayerSpec) => setLayers(layers.map((l, i) => (i === index ? layer : l)));
  const move = (index: number, by: number) => {
    const next = [...layers];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    setLayers(next);
  };
  const layersHelp = useFieldHelp('layers');
  const outputHelp = useFieldHelp('outputWeights');
  const image = useDataImageShape();
  const problem = layerListProblem(layers, config.inputResolution, image);
  const input = configInputShape(config, image);
  const classCount = useClassNames().length;
  const plan = problem === null ? networkPlan(layers, input, classCount, config.outputWeights) : [];
  return (
    <div className="layer-editor" data-testid="layer-editor">
      <span className="layer-editor-title">
        Layers (input {input.height}×{input.width}×{input.channels}; the {classCount}-class output layer follows) {layersHelp.helpButton}
      </span>
      {layersHelp.help}
      <ol>
        {layers.map((layer, index) => (
          <li key={index} data-testid="layer-row" data-layer={describeLayer(layer)}>
            <label className="layer-field">
              kind
              <select data-testid="layer-kind" disabled={disabled} aria-describedby={layersHelp.describedBy} value={layer.kind} onChange={(e) => replace(index, layerOfKind(e.target.value as LayerKind))}>
                {LAYER_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {kind}
                  </option>
                ))}
              </select>
            </label>
            <LayerFields layer={layer} disabled={disabled} describedBy={layersHelp.describedBy} onChange={(next) => replace(index, next)} />
            <span className="layer-buttons">
              <button type="button" data-testid="layer-up" aria-describedby={layersHelp.describedBy} aria-label={`Move layer ${index + 1} up`} disabled={disabled || index === 0} onClick={() => move(index, -1)}>
                ↑
              </button>
              <button type="button" data-testid="layer-down" aria-describedby={layersHelp.describedBy} aria-label={`Move layer ${index + 1} down`} disabled={disabled || index === layers.length - 1} onClick={() => move(index, 1)}>
                ↓
              </button>
              <button type="button" data-testid="layer-remove" aria-describedby={layersHelp.describedBy} aria-label={`Remove layer ${index + 1}`} disabled={disabled} onClick={() => setLayers(layers.filter((_, i) => i !== index))}>
                ✕
              </button>
            </span>
          </li>
        ))}
      </ol>
      <FormatSelect
        testId="output-weights"
        label={FIELDS.outputWeights.label}
        value={config.outputWeights}
        disabled={disabled}
        describedBy={outputHelp.describedBy}
        onChange={(weights) => userEditedConfig({ outputWeights: weights })}
      />
      {outputHelp.helpButton}
      {outputHelp.help}
      <LayersText disabled={disabled} describedBy={layersHelp.describedBy} />
      <button type="button" data-testid="layer-add" aria-describedby={layersHelp.describedBy} disabled={disabled} onClick={() => setLayers([...layers, layerOfKind('dense')])}>
        Add a layer
      </button>
      {problem !== null ? (
        <p className="field-error" role="alert" data-testid="layer-error">
          {problem}
        </p>
      ) : (
        <ul className="muted layer-plan" data-testid="layer-plan">
          {plan.map((layer, i) => (
            <li key={i}>{planLine(layer)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
