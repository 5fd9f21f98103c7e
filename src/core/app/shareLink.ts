/**
 * Share links: the setup of a run in the page's URL, as query parameters named after the config's own fields
 * (`?preset=seed&dataset=mnist&learningRate=0.01&layers=flatten,dense:256,dense:128`; core/model/layers.ts
 * formatLayerList writes the layers). Only the fields that differ from the preset
 * are written, so a link stays short and readable. Here the parameters are plain key/value pairs; the page's
 * URLSearchParams does the encoding (store/urlState.ts). Each field is written and read by its kind in the field
 * table (core/model/configFields.ts), as TensorFlow Playground's state table drives its URL both ways. A URL-state
 * library (nuqs, use-query-params) would bind it to a router the app does not have, for two functions' worth of work.
 *
 * A link is untrusted text: every value goes through validateConfig, and anything wrong (an unknown parameter, a
 * value of the wrong kind, a newer link version) is named in one message while the page falls back to the preset.
 */
import { isPresetId, PRESETS, validateConfig, ConfigError, type PresetId, type TrainConfig } from '../model/config';
import { FIELD_KEYS, FIELDS, type FieldKey } from '../model/configFields';
import { DATASET_IDS, isUserDataset, type DatasetId } from '../data/dataset';
import { MAX_CLASSES, MIN_CLASSES } from '../data/imageFolder';
import { MAX_SIDE, MIN_SIDE, parseConversion, type InputConversion } from '../data/imageConversion';
import { formatLayerList, parseLayerList } from '../model/layers';

/**
 * Bumped when a parameter changes meaning; older links are migrated in readShareLink. Links of version 1 made
 * before layer lists carry `hidden=256,128` (MLP widths), still read as that MLP.
 */
export const SHARE_LINK_VERSION = 1;
const LEGACY_HIDDEN = 'hidden';
/** The link's parameters besides the config fields. */
const LINK_KEYS: readonly string[] = ['v', 'preset', 'dataset', 'classes', 'images', LEGACY_HIDDEN, ...FIELD_KEYS];

/** Parameters that steer the page for debugging and tests: kept in the address bar, never put in a shared link. */
export const DEBUG_PARAMS = ['backend', 'inference', 'fault'] as const;

export interface SharedSetup {
  preset: PresetId;
  datasetId: DatasetId;
  /**
   * With datasetId 'own' or 'keywords': the classes of the user's images or words, so the page can say which data
   * set the run needs (the link never carries the images or clips). Written as `classes`, a JSON array of names.
   */
  classNames?: readonly string[];
  /**
   * With datasetId 'own': how the images became input (side, grey or RGB, ink), so that loading them again gives the
   * run's input shape. Written as `images`, e.g. `20-rgb-auto`.
   */
  conversion?: InputConversion;
  config: TrainConfig;
}

/** A conversion as link text: side, colour and ink joined by '-', e.g. "28-grey-auto". */
export function formatConversion(conversion: InputConversion): string {
  return `${conversion.side}-${conversion.color}-${conversion.invert}`;
}

/** Link text back to a conversion, or null when it is not one. */
export function parseConversionText(text: string): InputConversion | null {
  const match = /^(\d{1,2})-([a-z]+)-([a-z]+)$/.exec(text);
  return match ? parseConversion({ side: Number(match[1]), color: match[2], invert: match[3] }) : null;
}

/** One field's value as parameter text, by its kind in the field table. */
export function formatField<K extends FieldKey>(field: K, value: TrainConfig[K]): string {
  const spec = FIELDS[field];
  return spec.kind === 'layers' ? formatLayerList(value as TrainConfig['layers']) : String(value);
}

/** Query parameters, in order, as [name, value] pairs. */
export type QueryParams = [string, string][];

/** The parameters that open this setup; `preset` is the preset the config started from. */
export function shareParams(setup: SharedSetup): QueryParams {
  const params: QueryParams = [
    ['v', String(SHARE_LINK_VERSION)],
    ['preset', setup.preset],
    ['dataset', setup.datasetId],
  ];
  if (isUserDataset(setup.datasetId) && setup.classNames) params.push(['classes', JSON.stringify(setup.classNames)]);
  if (setup.datasetId === 'own' && setup.conversion) params.push(['images', formatConversion(setup.conversion)]);
  const base = PRESETS[setup.preset];
  for (const field of FIELD_KEYS) {
    const value = formatField(field, setup.config[field]);
    if (value !== formatField(field, base[field])) params.push([field, value]);
  }
  return params;
}

/**
 * The text of one parameter turned into the type of its field (validateConfig then checks the value). Text that is
 * not of that type stays text, so that validation names the field.
 */
export function parseField(field: FieldKey, text: string): unknown {
  const spec = FIELDS[field];
  const number = () => (/^\s*$/.test(text) ? text : Number(text));
  switch (spec.kind) {
    case 'layers':
      return parseLayerList(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'number':
      return number();
    case 'choice':
      return typeof spec.choices[0] === 'number' ? number() : text;
  }
}

export type ShareLinkResult =
  /** No setup in the URL (only debug parameters, or none). */
  | { kind: 'none' }
  | { kind: 'setup'; setup: SharedSetup }
  /** A setup that cannot be used: the message names what is wrong; the page keeps its preset. */
  | { kind: 'invalid'; message: string };

/** Reads a setup from a page's query parameters (the first value of a repeated name counts); never throws. */
export function readShareLink(query: readonly (readonly [string, string])[]): ShareLinkResult {
  const params = new Map<string, string>();
  for (const [key, value] of query) if (!params.has(key)) params.set(key, value);
  const setupKeys = [...params.keys()].filter((key) => !(DEBUG_PARAMS as readonly string[]).includes(key));
  if (setupKeys.length === 0) return { kind: 'none' };

  const param = (key: string) => params.get(key) ?? null;
  const version = param('v');
  if (version !== null && version !== String(SHARE_LINK_VERSION)) {
    return { kind: 'invalid', message: `The link was made by a newer version of the playground (link version ${version}); its settings were not applied.` };
  }
  const unknown = setupKeys.filter((key) => !LINK_KEYS.includes(key));
  if (unknown.length > 0) {
    return { kind: 'invalid', message: `The link has settings this playground does not know (${unknown.join(', ')}); it was not applied.` };
  }
  const presetText = param('preset') ?? 'seed';
  if (!isPresetId(presetText)) {
    return { kind: 'invalid', message: `The link names an unknown preset "${presetText}" (known: ${Object.keys(PRESETS).join(', ')}); it was not applied.` };
  }
  const datasetText = param('dataset') ?? 'mnist-10k';
  const datasetId = DATASET_IDS.find((id) => id === datasetText);
  if (!datasetId) {
    return { kind: 'invalid', message: `The link names an unknown dataset "${datasetText}" (known: ${DATASET_IDS.join(', ')}); it was not applied.` };
  }
  const classesText = param('classes');
  let classNames: string[] | undefined;
  if (classesText !== null) {
    classNames = parseClassNames(classesText) ?? undefined;
    if (!isUserDataset(datasetId) || classNames === undefined) {
      return { kind: 'invalid', message: `The link's classes are not a list of ${MIN_CLASSES} to ${MAX_CLASSES} names of an own or keyword data set; it was not applied.` };
    }
  }
  const imagesText = param('images');
  const conversion = imagesText === null ? null : parseConversionText(imagesText);
  if (imagesText !== null && (datasetId !== 'own' || conversion === null)) {
    return {
      kind: 'invalid',
      message: `The link's image conversion "${imagesText}" is not side-colour-ink of own images (side ${MIN_SIDE}–${MAX_SIDE}, grey or rgb, auto, yes or no, e.g. 28-grey-auto); it was not applied.`,
    };
  }
  const candidate: Record<string, unknown> = { ...PRESETS[presetText] };
  for (const field of FIELD_KEYS) {
    const text = param(field);
    if (text !== null) candidate[field] = parseField(field, text);
  }
  const hidden = param(LEGACY_HIDDEN);
  if (hidden !== null && param('layers') === null) {
    delete candidate.layers;
    candidate.hidden = hidden.trim() === '' ? [] : hidden.split(',').map((part) => (/^\s*\d+\s*$/.test(part) ? Number(part) : part));
  }
  try {
    return { kind: 'setup', setup: { preset: presetText, datasetId, ...(classNames ? { classNames } : {}), ...(conversion ? { conversion } : {}), config: validateConfig(candidate) } };
  } catch (error) {
    if (error instanceof ConfigError) return { kind: 'invalid', message: `The link's settings are not valid: ${error.message} The preset is used instead.` };
    throw error;
  }
}

/** The address bar's parameters: the setup, then the debug parameters the page was opened with. */
export function addressBarParams(current: readonly (readonly [string, string])[], setup: SharedSetup): QueryParams {
  const debug = current.filter(([key]) => (DEBUG_PARAMS as readonly string[]).includes(key)).map(([key, value]): [string, string] => [key, value]);
  return [...shareParams(setup), ...debug];
}

/** A JSON array of 2 to 100 distinct non-empty names, or null. */
function parseClassNames(text: string): string[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length < MIN_CLASSES || value.length > MAX_CLASSES) return null;
  if (!value.every((name) => typeof name === 'string' && name.length > 0) || new Set(value).size !== value.length) return null;
  return value as string[];
}
