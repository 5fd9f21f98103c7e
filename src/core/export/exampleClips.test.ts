import { describe, expect, it } from 'vitest';
import { clipFeatures, CLIP_SAMPLES, FRONT_END } from '../audio/frontEnd';
import { keywordDatasetFromClips, type KeywordClip } from '../audio/keywordDataset';
import { noiseSamples, toneWord } from '../audio/keywordClips.testing';
import { PRESETS } from '../model/config';
import { toIntegerModel } from '../model/integerModel';
import { modelInputShape } from '../model/inputResolution';
import { networkPlan, type LayerSpec } from '../model/layers';
import { foldModel, type LayerSnapshot } from '../model/referenceModel';
import { fixedSnapshotLayer } from '../model/randomSnapshot.testing';
import { emitC } from './cEmitter';
import { EXAMPLE_CLIP_LIMIT, exampleClips } from './kwsEmitter';

const WORDS = ['yes', 'no', 'up'];
const clips: KeywordClip[] = WORDS.flatMap((word) =>
  Array.from({ length: 10 }, (_, k) => ({ word, path: `${word}/${k}`, speaker: 'you', pcm: Int16Array.from(toneWord(word, k), (s) => Math.round(s * 32767)) })),
);
const dataset = keywordDatasetFromClips(clips, [Int16Array.from(noiseSamples(32000), (s) => Math.round(s * 32767))], 'recorded');

/** The output layer alone (784 -> classes) with fixed weights: enough for the export's example scores. */
function tinyModel(classes: number) {
  const config = { ...PRESETS.kws, layers: [{ kind: 'flatten' } as LayerSpec] };
  const [layer] = networkPlan(config.layers, modelInputShape(config.inputResolution), classes, config.outputWeights);
  const snapshot: LayerSnapshot[] = [fixedSnapshotLayer(layer!)];
  return toIntegerModel(foldModel(snapshot, config, config.weightQuantizer, config.threshold));
}

describe("the C export's example clips of a keyword run", () => {
  it('are validation clips, one per class, the words first, whose features are the validation features', () => {
    const { validation, validationAudio, classNames } = dataset;
    expect(classNames).toEqual(['_silence_', 'no', 'up', 'yes']);
    const picked = exampleClips(validation.labels, validationAudio!, classNames);
    expect(picked.count).toBe(4);
    expect(Array.from(picked.labels, (c) => classNames[c])).toEqual(['no', 'up', 'yes', '_silence_']);
    expect(picked.pcm).toHaveLength(4 * CLIP_SAMPLES);
    picked.indices.forEach((index, k) => {
      expect(validation.labels[index]).toBe(picked.labels[k]);
      const pcm = picked.pcm.subarray(k * CLIP_SAMPLES, (k + 1) * CLIP_SAMPLES);
      expect(pcm.some((sample) => sample !== 0)).toBe(true);
      expect(clipFeatures(pcm)).toEqual(validation.pixels.subarray(index * 784, (index + 1) * 784));
    });
    // Each is the first of its class in the split.
    picked.indices.forEach((index) => expect(Array.from(validation.labels).indexOf(validation.labels[index]!)).toBe(index));
  });

  it('are at most the limit, words before _silence_ and _unknown_', () => {
    const names = ['_silence_', '_unknown_', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const labels = [1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 2];
    const audio = labels.map((label, i) => new Int16Array(CLIP_SAMPLES).fill(100 * label + i));
    const picked = exampleClips(labels, audio, names);
    expect(picked.count).toBe(EXAMPLE_CLIP_LIMIT);
    expect(picked.labels).toEqual([2, 3, 4, 5, 6, 7]);
    expect(picked.indices).toEqual([9, 8, 7, 6, 5, 4]);
    expect(picked.pcm[0]).toBe(209);
    expect(exampleClips(labels, audio, names, 10).labels).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('go to examples/test_clips.h with their labels and scores, and the README names them', () => {
    const picked = exampleClips(dataset.validation.labels, dataset.validationAudio!, dataset.classNames);
    const model = tinyModel(dataset.classNames.length);
    const files = emitC(model, {
      packing: 'base3',
      preset: 'kws',
      configSummary: 'test',
      accuracy: null,
      appVersion: 'test',
      classNames: dataset.classNames,
      examples: { pixels: dataset.validation.pixels.subarray(0, 784), labels: dataset.validation.labels.subarray(0, 1), count: 1 },
      frontEnd: FRONT_END,
      kwsClips: picked,
    });
    const header = files['examples/test_clips.h']!;
    expect(header).toContain('#define TEST_CLIP_COUNT 4');
    expect(header).toContain(`test_clip_labels[TEST_CLIP_COUNT] = {${Array.from(picked.labels).join(', ')}}`);
    expect(header).toContain(`/* clip 0: label ${picked.labels[0]} */\n        ${Array.from(picked.pcm.subarray(0, 20)).join(', ')},`);
    expect(files['README.md']).toContain('4 labelled clips (`no`, `up`, `yes`, `_silence_`)');
  });
});
