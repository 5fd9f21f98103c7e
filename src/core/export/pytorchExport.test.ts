/** The PyTorch project's files from a config: what is in the zip, config.json, the README's model-specific parts. */
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/config';
import { DIGIT_CLASS_NAMES } from '../data/dataset';
import { DEFAULT_CONVERSION } from '../data/imageConversion';
import { CHECKPOINT_SCHEMA_VERSION } from '../run/checkpoint';
import { distillationNote, pytorchExportProblem, pytorchProjectFiles, PYTORCH_CONFIG_FORMAT, PYTORCH_SOURCES, zipProject } from './pytorchExport';

const options = { preset: 'cnn', datasetId: 'mnist', classNames: DIGIT_CLASS_NAMES, conversion: null, appVersion: '9.9.9', init: null, trainedSteps: 0 };

describe('pytorchProjectFiles', () => {
  it('holds the Python modules, config.json, README.md and requirements.txt; init.safetensors only from a trained run', () => {
    const files = pytorchProjectFiles(PRESETS.cnn, options);
    expect(Object.keys(files).sort()).toEqual([...Object.keys(PYTORCH_SOURCES), 'README.md', 'config.json', 'requirements.txt'].sort());
    expect(Object.keys(PYTORCH_SOURCES).sort()).toEqual(['checkpoint.py', 'data.py', 'model.py', 'optim.py', 'own_images.py', 'rng.py', 'safetensors_io.py', 'train.py']);
    for (const source of Object.values(PYTORCH_SOURCES)) expect(source.startsWith('"""')).toBe(true); // a docstring first
    const init = new Uint8Array([1, 2, 3]);
    expect(pytorchProjectFiles(PRESETS.cnn, { ...options, init, trainedSteps: 40 })['init.safetensors']).toBe(init);
  });

  it('config.json is the config with its format, schema, preset and dataset', () => {
    const json = JSON.parse(pytorchProjectFiles(PRESETS.cnn, options)['config.json'] as string) as Record<string, unknown>;
    expect(json).toEqual({
      format: PYTORCH_CONFIG_FORMAT,
      schema_version: CHECKPOINT_SCHEMA_VERSION,
      preset: 'cnn',
      dataset: 'mnist',
      appVersion: '9.9.9',
      class_names: null,
      input_conversion: null,
      config: PRESETS.cnn,
    });
  });

  it("a run on the page's own images carries its classes and conversion; the README's output layer has one unit per class", () => {
    const conversion = { ...DEFAULT_CONVERSION, invert: 'yes' as const };
    const own = { ...options, datasetId: 'own', classNames: ['owl', 'cat', 'dog'], conversion };
    const files = pytorchProjectFiles(PRESETS.seed, own);
    const json = JSON.parse(files['config.json'] as string) as Record<string, unknown>;
    expect(json.dataset).toBe('own');
    expect(json.class_names).toEqual(['owl', 'cat', 'dog']);
    expect(json.input_conversion).toEqual(conversion);
    const readme = files['README.md'] as string;
    expect(readme).toContain("The run's 3 classes, in label order: owl, cat, dog.");
    expect(readme).toMatch(/\| dense 3 \(output\) \| \(\d+, 3\) \|/);
    expect(pytorchProjectFiles(PRESETS.seed, options)['README.md']).toMatch(/\| dense 10 \(output\) \| \(\d+, 10\) \|/);
  });

  it("an RGB run's README takes its side × side × 3 input: the first conv layer's fan-in is 3·3·3", () => {
    const own = { ...options, datasetId: 'own', classNames: ['red', 'green', 'blue'], conversion: { side: 20, color: 'rgb' as const, invert: 'auto' as const } };
    const readme = pytorchProjectFiles(PRESETS.cnn, own)['README.md'] as string;
    expect(readme).toContain('dense 128, dense 3 on 20×20×3 input');
    expect(readme).toContain('converted (20×20 RGB, inverted when most images have a light border)');
    expect(readme).toMatch(/\| layer0 \| conv2d 32 3×3[^|]*\| \(27, 32\) \|/);
    expect(readme).not.toContain('28×28 grayscale');
  });

  it('refuses a keyword run, whose audio front end the project does not have', () => {
    expect(pytorchExportProblem('mnist')).toBeNull();
    expect(pytorchExportProblem('own')).toBeNull();
    expect(pytorchExportProblem('keywords')).toContain('no audio front end');
    expect(() => pytorchProjectFiles(PRESETS.seed, { ...options, datasetId: 'keywords', classNames: ['yes', 'no', '_silence_', '_unknown_'] })).toThrow(
      pytorchExportProblem('keywords')!,
    );
  });

  it("the README lists the network's weighted layers with their shapes and formats, and the commands", () => {
    const readme = pytorchProjectFiles(PRESETS['mcu-cnn-16k'], { ...options, preset: 'mcu-cnn-16k' })['README.md'] as string;
    expect(readme).toContain('| layer0 | conv2d 16 3×3 same int8, max pool 2 | (9, 16) | int8 |');
    expect(readme).toContain('| layer3 | dense 64 | (256, 64) | ternary |');
    expect(readme).toContain('| layer4 | dense 10 (output) int4 | (64, 10) | int4 |');
    expect(readme).toContain('torchrun --nproc_per_node=4 train.py --data DIR');
    expect(readme).toContain("the same the page draws for seed 42");
    const trained = pytorchProjectFiles(PRESETS.seed, { ...options, preset: 'seed', init: new Uint8Array(1), trainedSteps: 90 })['README.md'] as string;
    expect(trained).toContain('init.safetensors, 90 steps trained');
  });

  it('a distilled config trains on the labels alone, and says so', () => {
    expect(distillationNote(PRESETS.seed)).toBeNull();
    const config = { ...PRESETS.seed, distillWeight: 0.7 };
    expect(distillationNote(config)).toContain('trains on the labels alone');
    expect(pytorchProjectFiles(config, options)['README.md']).toContain(distillationNote(config)!);
  });

  it('zips the files under bitnet-pytorch/, the same bytes for the same model', () => {
    const files = pytorchProjectFiles(PRESETS.seed, { ...options, init: new Uint8Array([7, 8]) });
    const zip = zipProject(files);
    expect(zipProject(files)).toEqual(zip);
    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual(Object.keys(files).map((name) => `bitnet-pytorch/${name}`).sort());
    expect(strFromU8(entries['bitnet-pytorch/train.py']!)).toBe(PYTORCH_SOURCES['train.py']);
    expect(entries['bitnet-pytorch/init.safetensors']).toEqual(new Uint8Array([7, 8]));
  });
});
