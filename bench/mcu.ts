/**
 * `npm run bench:mcu`: each preset trained headless on the full MNIST in MNIST_DIR with its own recipe (tfjs WASM
 * in Node; BENCH_EPOCHS and BENCH_PRESETS shorten it), exported as C at both packings and as ONNX, and measured:
 * one JSON line per preset and packing,
 *   {"preset","packing","bitsPerWeight","flashBytes","ramBytes","stackBytes","instructionsPerInference",
 *    "msAt48MHz","cAccuracy","onnxAccuracy","agreement","singlePassReferenceAccuracy", …}
 * Flash = text + data, RAM = data + bss of the export's objects for a Cortex-M0+ (-Os, no C library), stack from
 * -fstack-usage; instructions = SysTick ticks around one bitnet_predict in QEMU (mps2-an385, Cortex-M3,
 * -icount shift=0) × instructions per tick from a calibration loop, median of 32 test images; msAt48MHz =
 * instructions ÷ 48,000; agreement = share of identical C and ONNX predictions on the 10,000 test images.
 * BENCH_SEED=N trains with seed N instead of the preset's (a recipe's spread over seeds).
 * BENCH_TEACHER=FILE.safetensors (a checkpoint, e.g. bench-results/bitnet-mcu-cnn-16k.safetensors) makes it a
 * distillation benchmark: each preset trained learns from that run, with BENCH_DISTILL_WEIGHT (default 0.7) and
 * BENCH_DISTILL_TEMPERATURE (default 4).
 * Writes every zip and ONNX file to bench-results/, and each trained model as a checkpoint there; with
 * BENCH_FROM_CHECKPOINTS=1 a preset whose checkpoint is there is loaded instead of trained (to measure the exports
 * again without hours of training). DATA_DIR instead of MNIST_DIR trains on an image folder of PNGs (as
 * bench:accuracy reads it), measured on its test/ folder or validation split, with its class names in the exports;
 * IMAGE_SIDE (8..64) and IMAGE_COLOR (grey or rgb) convert its images as the page's load options do (bench/nodeData.ts),
 * and a 16×16 preset then takes the image as it is unless that is 28×28 grey.
 * A DATA_DIR in the Speech Commands layout (word folders of WAVs, `_background_noise_`) measures the keyword
 * detector instead: the kws preset, front end included (bench/mcuKws.ts).
 * A benchmark: it prints figures and asserts nothing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { emitC, integerModelFootprint, zipFiles } from '../src/core/export/cEmitter';
import { decodeCheckpoint, encodeCheckpoint } from '../src/core/run/checkpoint';
import { channelsOfSet, imageValues } from '../src/core/data/dataset';
import { PRESETS, type PresetId } from '../src/core/model/config';
import { argmaxRows, foldModel, referenceForward } from '../src/core/model/referenceModel';
import { toIntegerModel } from '../src/core/model/integerModel';
import { exportOnnx } from '../src/core/export/onnxExport';
import type { TritPacking } from '../src/core/quant/tritBytes';
import { initBackend, registerOptionalBackends } from '../src/train/backend';
import { Teacher } from '../src/train/teacher';
import { Trainer } from '../src/train/trainer';
import { buildCortexM0Plus, buildHost, runCortexM3, runHost, writeExport } from '../scripts/cToolchain';
import { configForImages, loadFullDatasetFromDir, loadImageFolderFromDir } from './nodeData';
import { isKeywordFolder } from './keywordClips';
import { keywordMcuRows } from './mcuKws';

const imageDir = process.env.DATA_DIR;
if (imageDir && isKeywordFolder(imageDir)) {
  await registerOptionalBackends();
  mkdirSync('bench-results', { recursive: true });
  await keywordMcuRows(imageDir, await initBackend(['wasm', 'cpu']));
  process.exit(0);
}
const dir = imageDir ?? process.env.MNIST_DIR;
if (!dir) {
  console.error('Set MNIST_DIR to a folder with the four MNIST IDX files, e.g. MNIST_DIR=../shared/data/mnist, or DATA_DIR to an image folder');
  process.exit(2);
}
const datasetName = imageDir ? `images:${imageDir.replace(/\/+$/, '').split('/').at(-1)}` : 'MNIST';
const presets = (process.env.BENCH_PRESETS ?? 'seed,b158-mlp,mcu-16k,mcu-cnn-16k').split(',') as PresetId[];
const teacherFile = process.env.BENCH_TEACHER ?? null;
const distillation = teacherFile
  ? { distillWeight: Number(process.env.BENCH_DISTILL_WEIGHT ?? 0.7), distillTemperature: Number(process.env.BENCH_DISTILL_TEMPERATURE ?? 4) }
  : {};
/** BENCH_SEED: train with this seed instead of the preset's, to see a recipe's spread over seeds. */
const seedOverride = process.env.BENCH_SEED ? { seed: Number(process.env.BENCH_SEED) } : {};
const PACKINGS: TritPacking[] = ['base3', 'base4'];
const QEMU_IMAGES = 32;

await registerOptionalBackends();
const backend = await initBackend(['wasm', 'cpu']);
const ownData = imageDir ? await loadImageFolderFromDir(imageDir) : null;
const data = ownData ?? loadFullDatasetFromDir(dir, 'MNIST');
/** Where the figures are measured: MNIST's test set, or an image folder's held-out images. */
const test = data.test ?? data.validation;
/** Bytes of one image: side·side·channels (784 for MNIST), the C export's BITNET_INPUT_SIZE. */
const imageBytes = imageValues(test);
const classCount = data.classNames.length;
mkdirSync('bench-results', { recursive: true });

const accuracyOf = (predictions: ArrayLike<number>): number => {
  let correct = 0;
  for (let i = 0; i < test.count; i++) if (predictions[i] === test.labels[i]) correct++;
  return correct / test.count;
};

/** The run that teaches every preset trained here (BENCH_TEACHER), checked by its own accuracy on the test set. */
async function loadTeacher(file: string): Promise<Teacher> {
  const saved = decodeCheckpoint(readFileSync(file));
  const teacher = new Teacher({ config: saved.config, variables: saved.state.variables, label: file }, classCount);
  console.error(`# teacher ${file} (${saved.preset}, ${saved.state.globalStep} steps): test ${((await teacher.accuracy(test)) * 100).toFixed(2)} %`);
  return teacher;
}
const teacher = teacherFile ? await loadTeacher(teacherFile) : null;

for (const preset of presets) {
  const checkpointPath = `bench-results/bitnet-${preset}.safetensors`;
  const saved = process.env.BENCH_FROM_CHECKPOINTS === '1' && existsSync(checkpointPath) ? decodeCheckpoint(readFileSync(checkpointPath)) : null;
  const epochs = saved ? saved.config.epochs : Number(process.env.BENCH_EPOCHS ?? PRESETS[preset].epochs);
  const config = saved ? saved.config : configForImages({ ...PRESETS[preset], epochs, ...distillation, ...seedOverride }, data, preset);
  const trainer = new Trainer(config, data, saved ? null : teacher);
  if (saved) {
    trainer.restoreState(saved.state);
    console.error(`# ${preset}: loaded ${checkpointPath} (${saved.state.globalStep} steps); not training`);
  }
  const started = performance.now();
  while (!trainer.finished) {
    const result = await trainer.step();
    if (result.epochEnded) {
      // Progress on stderr (stdout keeps the JSON rows): test accuracy of the model as trained so far.
      const { accuracy } = await trainer.evaluate(test);
      console.error(`# ${preset} epoch ${trainer.epoch}/${epochs}: test ${(accuracy * 100).toFixed(2)} %, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  const trainSeconds = (performance.now() - started) / 1000;
  if (!saved) {
    const curves = { loss: [], validation: [], epochs: [] };
    writeFileSync(checkpointPath, encodeCheckpoint({ config, datasetId: imageDir ? 'own' : 'mnist', classNames: data.classNames, conversion: ownData ? ownData.report.conversion : null, preset, state: await trainer.captureState(), curves, appVersion: 'bench' }));
  }
  const quantizer = config.weightQuantizer === 'none' ? 'twn' : config.weightQuantizer;
  const model = foldModel(await trainer.model.snapshot(), config, quantizer, config.threshold, channelsOfSet(test));
  trainer.dispose();

  const referenceAccuracy = accuracyOf(argmaxRows(referenceForward(model, test.pixels, test.count), test.count, classCount));
  // With shift averaging, what the same weights give in one pass (the reference without it): what the passes add.
  const singlePassAccuracy = model.shiftAveraging ? accuracyOf(argmaxRows(referenceForward({ ...model, shiftAveraging: false }, test.pixels, test.count), test.count, classCount)) : null;
  const onnxBytes = exportOnnx(model, { preset, appVersion: 'bench', metadata: { epochs: String(epochs), dataset: datasetName, class_names: JSON.stringify(data.classNames) } });
  writeFileSync(`bench-results/bitnet-${preset}.onnx`, onnxBytes);
  const session = await ort.InferenceSession.create(onnxBytes);
  const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(test.pixels), [test.count, imageBytes]) });
  const fromOnnx = argmaxRows(output.logits!.data as Float32Array, test.count, classCount);

  const integer = toIntegerModel(model);
  for (const packing of PACKINGS) {
    const files = emitC(integer, {
      packing,
      preset,
      configSummary: `${preset} preset, ${epochs} epochs on ${imageDir ? datasetName : 'the full MNIST'} (bench:mcu)`,
      accuracy: null,
      classNames: data.classNames,
      examples: { pixels: test.pixels.subarray(0, 8 * imageBytes), labels: test.labels.subarray(0, 8), count: 8 },
      appVersion: 'bench',
      ...(ownData && { imageConversion: { conversion: ownData.report.conversion, inverted: ownData.report.inverted } }),
    });
    writeFileSync(`bench-results/bitnet-${preset}-${packing}-c.zip`, zipFiles(files));
    const exportDir = writeExport(files, `bench-mcu-${preset}-${packing}-`);
    const fromC = runHost(buildHost(exportDir), test.pixels, test.count, imageBytes).predictions;
    const sizes = buildCortexM0Plus(exportDir);
    const emulated = runCortexM3(exportDir, test.pixels, Math.min(QEMU_IMAGES, test.count), imageBytes);
    const estimate = integerModelFootprint(integer, packing);
    let agree = 0;
    for (let i = 0; i < test.count; i++) if (fromC[i] === fromOnnx[i]) agree++;
    console.log(
      JSON.stringify({
        preset,
        packing,
        bitsPerWeight: Number(estimate.bitsPerWeight.toFixed(4)),
        flashBytes: sizes.flashBytes,
        ramBytes: sizes.ramBytes,
        stackBytes: sizes.stackBytes,
        instructionsPerInference: emulated.instructions,
        msAt48MHz: Number((emulated.instructions / 48_000).toFixed(2)),
        cAccuracy: accuracyOf(fromC),
        onnxAccuracy: accuracyOf(fromOnnx),
        agreement: agree / test.count,
        referenceAccuracy,
        qemuMatchesHost: emulated.predictions.every((p, i) => p === fromC[i]),
        estimatedFlashBytes: estimate.flashBytes,
        estimatedRamBytes: estimate.ramBytes,
        shiftAveraging: config.shiftAveraging,
        singlePassReferenceAccuracy: singlePassAccuracy,
        seed: config.seed,
        epochs,
        backend,
        trainSeconds: saved ? null : Number(trainSeconds.toFixed(1)),
        teacher: saved ? null : teacherFile,
        distillWeight: config.distillWeight,
        distillTemperature: config.distillTemperature,
      }),
    );
  }
}
