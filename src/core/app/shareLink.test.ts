import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/config';
import { mlpLayers } from '../model/layers';
import { addressBarParams, readShareLink, shareParams, type SharedSetup } from './shareLink';

/** What the page does: the pairs through URLSearchParams to text and back. */
function roundTrip(setup: SharedSetup) {
  const text = new URLSearchParams(shareParams(setup)).toString();
  return { text, read: readShareLink([...new URLSearchParams(text).entries()]) };
}

describe('share links', () => {
  it('write only the fields that differ from the preset, under the config field names, and read back field for field', () => {
    const config = { ...PRESETS['b158-mlp'], learningRate: 0.0125, layers: mlpLayers([256, 64, 32]), outputNorm: true, seed: 7 };
    const { text, read } = roundTrip({ preset: 'b158-mlp', datasetId: 'mnist', config });
    expect(text).toBe('v=1&preset=b158-mlp&dataset=mnist&layers=flatten%2Cdense%3A256%2Cdense%3A64%2Cdense%3A32&outputNorm=true&learningRate=0.0125&seed=7');
    expect(read).toEqual({ kind: 'setup', setup: { preset: 'b158-mlp', datasetId: 'mnist', config } });
  });

  it('an own data set travels as its class names, never its images; bad class lists are refused with a message', () => {
    const config = { ...PRESETS.cnn };
    const setup: SharedSetup = { preset: 'cnn', datasetId: 'own', classNames: ['circle', 'square', 'tri,angle'], config };
    const { text, read } = roundTrip(setup);
    expect(text).toBe('v=1&preset=cnn&dataset=own&classes=%5B%22circle%22%2C%22square%22%2C%22tri%2Cangle%22%5D');
    expect(read).toEqual({ kind: 'setup', setup });
    for (const classes of ['["only"]', '["a","a"]', 'circle,square', '[1,2]']) {
      const bad = readShareLink([['dataset', 'own'], ['classes', classes]]);
      expect(bad.kind === 'invalid' && bad.message).toMatch(/classes are not a list of 2 to 100 names/);
    }
    expect(readShareLink([['dataset', 'mnist'], ['classes', '["a","b"]']]).kind).toBe('invalid');
  });

  it("own images travel with their conversion (side, colour, ink); a bad one, or one on another data set, is refused", () => {
    const setup: SharedSetup = { preset: 'cnn', datasetId: 'own', classNames: ['blue', 'green', 'red'], conversion: { side: 20, color: 'rgb', invert: 'auto' }, config: { ...PRESETS.cnn } };
    const { text, read } = roundTrip(setup);
    expect(text).toContain('&images=20-rgb-auto');
    expect(read).toEqual({ kind: 'setup', setup });
    for (const images of ['7-grey-auto', '65-rgb-no', '20-cmyk-auto', '20-rgb-maybe', '20rgb', '']) {
      const bad = readShareLink([['dataset', 'own'], ['images', images]]);
      expect(bad.kind === 'invalid' && bad.message).toMatch(/image conversion .* is not side-colour-ink/);
    }
    expect(readShareLink([['dataset', 'mnist'], ['images', '28-grey-auto']]).kind).toBe('invalid');
    // A keyword run has no image conversion to carry.
    expect(shareParams({ ...setup, datasetId: 'keywords' }).some(([key]) => key === 'images')).toBe(false);
  });

  it('a keyword data set travels as its words, never its clips, with the kws preset', () => {
    const setup: SharedSetup = { preset: 'kws', datasetId: 'keywords', classNames: ['_silence_', '_unknown_', 'no', 'yes'], config: { ...PRESETS.kws } };
    const { text, read } = roundTrip(setup);
    expect(text).toBe('v=1&preset=kws&dataset=keywords&classes=%5B%22_silence_%22%2C%22_unknown_%22%2C%22no%22%2C%22yes%22%5D');
    expect(read).toEqual({ kind: 'setup', setup });
    const bad = readShareLink([['dataset', 'keywords'], ['classes', '["yes"]']]);
    expect(bad.kind === 'invalid' && bad.message).toMatch(/names of an own or keyword data set/);
  });

  it('a CNN travels as its layer list', () => {
    const config = { ...PRESETS.seed, layers: PRESETS.cnn.layers };
    const { text, read } = roundTrip({ preset: 'seed', datasetId: 'mnist', config });
    expect(new URLSearchParams(text).get('layers')).toMatch(/^conv2d:\d+:\d:1:same,maxpool2d:2,/);
    expect(read).toEqual({ kind: 'setup', setup: { preset: 'seed', datasetId: 'mnist', config } });
  });

  it('weight formats travel in the layer list and as outputWeights; an unknown one is refused with a message', () => {
    const layers = PRESETS.cnn.layers.map((layer, i) => (layer.kind === 'conv2d' && i < 1 ? { ...layer, weights: 'int8' as const } : layer));
    const setup: SharedSetup = { preset: 'cnn', datasetId: 'mnist', config: { ...PRESETS.cnn, layers, outputWeights: 'int4' } };
    const { text, read } = roundTrip(setup);
    expect(text).toContain('outputWeights=int4');
    expect(decodeURIComponent(text)).toContain('conv2d:32:3:1:same:int8,maxpool2d:2,conv2d:32:3:1:same,');
    // The mcu-cnn-16k preset's own formats need no parameter.
    expect(roundTrip({ preset: 'mcu-cnn-16k', datasetId: 'mnist', config: PRESETS['mcu-cnn-16k'] }).text).not.toContain('layers');
    expect(read).toEqual({ kind: 'setup', setup });
    const bad = readShareLink([['preset', 'mcu-cnn-16k'], ['outputWeights', 'int3']]);
    expect(bad.kind).toBe('invalid');
    expect(bad.kind === 'invalid' && bad.message).toMatch(/output layer weight format/);
  });

  it('the input resolution travels as a number, and a bad one is refused with a message', () => {
    const config = { ...PRESETS.seed, inputResolution: 16 as const };
    const { text, read } = roundTrip({ preset: 'seed', datasetId: 'mnist', config });
    expect(text).toBe('v=1&preset=seed&dataset=mnist&inputResolution=16');
    expect(read).toEqual({ kind: 'setup', setup: { preset: 'seed', datasetId: 'mnist', config } });
    const bad = readShareLink([['preset', 'seed'], ['inputResolution', '17']]);
    expect(bad.kind === 'invalid' && bad.message).toMatch(/input resolution must be one of 28, 16/);
  });

  it('the optimizer travels by name, and an unknown one is refused with a message', () => {
    const config = { ...PRESETS['mcu-16k'], optimizer: 'muon' as const };
    const { text, read } = roundTrip({ preset: 'mcu-16k', datasetId: 'mnist', config });
    expect(text).toBe('v=1&preset=mcu-16k&dataset=mnist&optimizer=muon');
    expect(read).toEqual({ kind: 'setup', setup: { preset: 'mcu-16k', datasetId: 'mnist', config } });
    const bad = readShareLink([['preset', 'seed'], ['optimizer', 'sgd']]);
    expect(bad.kind === 'invalid' && bad.message).toMatch(/optimizer must be one of adam, muon/);
  });

  it('the EMA decay travels as a number, and one out of range is refused with a message', () => {
    const config = { ...PRESETS['mcu-cnn-16k'], emaDecay: 0.9995 };
    const { text, read } = roundTrip({ preset: 'mcu-cnn-16k', datasetId: 'mnist', config });
    expect(text).toContain('emaDecay=0.9995');
    expect(read).toEqual({ kind: 'setup', setup: { preset: 'mcu-cnn-16k', datasetId: 'mnist', config } });
    const bad = readShareLink([['preset', 'seed'], ['emaDecay', '2']]);
    expect(bad.kind === 'invalid' && bad.message).toMatch(/EMA decay must be between 0 and 0.9999, got 2/);
  });

  it('a link made before layer lists (hidden=…) opens as the MLP it described', () => {
    const read = readShareLink([['v', '1'], ['preset', 'b158-mlp'], ['hidden', '256,64']]);
    expect(read.kind === 'setup' && read.setup.config.layers).toEqual(mlpLayers([256, 64]));
  });

  it('a preset as it is gives a short link', () => {
    expect(roundTrip({ preset: 'seed', datasetId: 'mnist-10k', config: { ...PRESETS.seed } }).text).toBe('v=1&preset=seed&dataset=mnist-10k');
  });

  it('debug parameters alone are no setup, and stay in the address bar but never in the link', () => {
    expect(readShareLink([['backend', 'wasm'], ['fault', 'nan']])).toEqual({ kind: 'none' });
    const setup: SharedSetup = { preset: 'seed', datasetId: 'mnist-10k', config: { ...PRESETS.seed, epochs: 9 } };
    const bar = addressBarParams([['backend', 'wasm'], ['learningRate', '0.5'], ['fault', 'nan']], setup);
    expect(bar).toEqual([...shareParams(setup), ['backend', 'wasm'], ['fault', 'nan']]);
    expect(shareParams(setup).map(([key]) => key)).not.toContain('backend');
  });

  it.each([
    [[['learningRate', 'NaN']], /learning rate must be a number/],
    [[['learningRate', '5']], /learning rate must be between/],
    [[['hidden', '128,abc']], /hidden layer 2 width/],
    [[['hidden', '99999']], /hidden layer 1 width must be between/],
    [[['batchSize', '']], /batch size must be a number/],
    [[['layers', 'conv2d:8:3:1:same,maxpool2d:2,maxpool2d:2']], /Layer 3 \(maxpool2d 2\) must come right after a conv2d/],
    [[['layers', 'conv2d:8:3:1:same,dense:10']], /add a flatten layer before it/],
    [[['layers', 'conv2d:8:3:1:diagonal,flatten']], /padding must be one of valid, same/],
    [[['layers', 'lstm:8,flatten']], /unknown kind "lstm"/],
    [[['outputNorm', 'yes']], /output batch norm must be true or false/],
    [[['weightQuantizer', '<script>']], /weight quantizer must be one of/],
    [[['preset', 'gpt-5']], /unknown preset "gpt-5"/],
    [[['dataset', 'cifar']], /unknown dataset "cifar"/],
    [[['v', '9']], /newer version/],
    [[['learningRate', '0.01'], ['dropout', '0.5'], ['__proto__', 'x']], /does not know \(dropout, __proto__\)/],
    [[['hidden', '2048,2048,2048,2048'], ['batchSize', '4096']], /budget/],
  ] as [string, string][][][])('hostile or broken values are refused with a message: %j', (params, message) => {
    const read = readShareLink(params as [string, string][]);
    expect(read.kind).toBe('invalid');
    if (read.kind === 'invalid') expect(read.message).toMatch(message as unknown as RegExp);
  });

  it('an empty hidden list is a valid network without hidden layers', () => {
    const read = readShareLink([['hidden', '']]);
    expect(read.kind === 'setup' && read.setup.config.layers).toEqual([{ kind: 'flatten' }]);
  });
});
