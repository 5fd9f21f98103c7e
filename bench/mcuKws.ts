/**
 * `bench:mcu` on a keyword folder (DATA_DIR in the Speech Commands layout): trains the `kws` preset on the features
 * the page makes (core/audio/keywordDataset.ts), exports it as ONNX (with the front end in its metadata) and as the C
 * detector (front end + network, bitnet_kws.c), and measures the detector: sizes of its Cortex-M0+ build, its
 * instructions per 1 s window on QEMU's Cortex-M3 (front end and network apart), and the power estimate
 * (core/export/powerEstimate.ts) on each listed chip. The C detector classifies every held-out clip from its PCM
 * and is compared with the page's integer scores (integerForward of clipFeatures, the reference). On QEMU the front
 * end's features (hashed) and the network's predictions on them are compared with the host's, on the first clips. One JSON line per packing, with every field of the image rows plus
 * frontEndInstructions, networkInstructions, powerMilliwatts and the chip figures used, then one line per chip.
 * A benchmark: it prints figures and asserts nothing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { clipFeatures, CLIP_SAMPLES, FRONT_END } from '../src/core/audio/frontEnd';
import { emitC, integerModelFootprint, zipFiles } from '../src/core/export/cEmitter';
import { detectorBudget, networkInstructionEstimate } from '../src/core/export/detectorBudget';
import { exportOnnx } from '../src/core/export/onnxExport';
import { CHIP_POWER, estimatePower } from '../src/core/export/powerEstimate';
import { PRESETS } from '../src/core/model/config';
import { argmaxInt, integerForward, toIntegerModel } from '../src/core/model/integerModel';
import { argmaxRows, foldModel, referenceForward } from '../src/core/model/referenceModel';
import type { TritPacking } from '../src/core/quant/tritBytes';
import { decodeCheckpoint, encodeCheckpoint } from '../src/core/run/checkpoint';
import { Trainer } from '../src/train/trainer';
import { buildCortexM0Plus, forbiddenSymbols, runCortexM3, writeExport } from '../scripts/cToolchain';
import { buildKwsHost, fnv1a, measureFrontEnd, runKwsClassify, runKwsFeatures } from '../scripts/kwsToolchain';
import { heldOutClips, loadKeywordFolder } from './keywordClips';

const PRESET = 'kws';
const PACKINGS: TritPacking[] = ['base3', 'base4'];
/** Clips run on QEMU (each 1 s of PCM compiled into the image). */
const QEMU_CLIPS = 16;
/** The detection rate of the power rows: a 1 s window every 250 ms. */
const WINDOWS_PER_SECOND = 4;
/** The targets for the detector. */
const TARGETS = { instructions: 4_800_000, flashBytes: 64 * 1024, ramBytes: 16 * 1024 };

export async function keywordMcuRows(dir: string, backend: string): Promise<void> {
  const started = performance.now();
  const data = await loadKeywordFolder(dir);
  const clips = heldOutClips(dir, data.classNames);
  const classCount = data.classNames.length;
  const datasetName = `keywords:${data.keywords.name}`;
  console.error(`# ${datasetName}: ${classCount} classes, ${data.train.count} train features, ${clips.count} ${clips.split} clips, loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const checkpointPath = `bench-results/bitnet-${PRESET}.safetensors`;
  const saved = process.env.BENCH_FROM_CHECKPOINTS === '1' && existsSync(checkpointPath) ? decodeCheckpoint(readFileSync(checkpointPath)) : null;
  const epochs = saved ? saved.config.epochs : Number(process.env.BENCH_EPOCHS ?? PRESETS[PRESET].epochs);
  const config = saved ? saved.config : { ...PRESETS[PRESET], epochs };
  const trainer = new Trainer(config, data);
  if (saved) trainer.restoreState(saved.state);
  const trainStart = performance.now();
  while (!trainer.finished) {
    const result = await trainer.step();
    if (result.epochEnded) {
      const { accuracy } = await trainer.evaluate(data.validation);
      console.error(`# ${PRESET} epoch ${trainer.epoch}/${epochs}: validation ${(accuracy * 100).toFixed(2)} %, ${((performance.now() - trainStart) / 1000).toFixed(0)} s`);
    }
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;
  if (!saved) {
    const curves = { loss: [], validation: [], epochs: [] };
    writeFileSync(checkpointPath, encodeCheckpoint({ config, datasetId: 'keywords', classNames: data.classNames, conversion: null, preset: PRESET, state: await trainer.captureState(), curves, appVersion: 'bench' }));
  }
  const quantizer = config.weightQuantizer === 'none' ? 'twn' : config.weightQuantizer;
  const model = foldModel(await trainer.model.snapshot(), config, quantizer, config.threshold);
  trainer.dispose();
  const integer = toIntegerModel(model);

  // The page's path: the integer front end's features of each clip, the integer network's scores.
  const features = new Uint8Array(clips.count * 784);
  for (let i = 0; i < clips.count; i++) features.set(clipFeatures(clips.pcm.subarray(i * CLIP_SAMPLES, (i + 1) * CLIP_SAMPLES)), i * 784);
  const pageScores = integerForward(integer, features, clips.count);
  const accuracyOf = (predictions: ArrayLike<number>): number => {
    let right = 0;
    for (let i = 0; i < clips.count; i++) if (predictions[i] === clips.labels[i]) right++;
    return right / clips.count;
  };
  const predictionsOf = (scores: ArrayLike<number>): Uint8Array => Uint8Array.from({ length: clips.count }, (_, i) => argmaxInt(scores, i * classCount, classCount));
  const pagePredictions = predictionsOf(pageScores);
  const referenceAccuracy = accuracyOf(argmaxRows(referenceForward(model, features, clips.count), clips.count, classCount));

  const onnxBytes = exportOnnx(model, { preset: PRESET, appVersion: 'bench', metadata: { epochs: String(epochs), dataset: datasetName, class_names: JSON.stringify(data.classNames) }, frontEnd: FRONT_END });
  writeFileSync(`bench-results/bitnet-${PRESET}.onnx`, onnxBytes);
  const session = await ort.InferenceSession.create(onnxBytes);
  const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(features), [clips.count, 784]) });
  const fromOnnx = argmaxRows(output.logits!.data as Float32Array, clips.count, classCount);

  for (const packing of PACKINGS) {
    const files = emitC(integer, {
      packing,
      preset: PRESET,
      configSummary: `${PRESET} preset, ${epochs} epochs on ${datasetName} (bench:mcu)`,
      accuracy: null,
      classNames: data.classNames,
      examples: { pixels: features.subarray(0, 8 * 784), labels: clips.labels.subarray(0, 8), count: 8 },
      appVersion: 'bench',
      frontEnd: FRONT_END,
    });
    writeFileSync(`bench-results/bitnet-${PRESET}-${packing}-c.zip`, zipFiles(files));
    const exportDir = writeExport(files, `bench-mcu-${PRESET}-${packing}-`);
    // The C detector on the host, from PCM: bitnet_kws_classify's scores against the page's, every held-out clip.
    const host = buildKwsHost(exportDir);
    const hostScores = runKwsClassify(host, clips.pcm).flat();
    let scoresEqual = hostScores.length === pageScores.length;
    for (let i = 0; scoresEqual && i < pageScores.length; i++) scoresEqual = hostScores[i] === pageScores[i];
    const hostPredictions = predictionsOf(hostScores);
    const hostFeatures = runKwsFeatures(host, clips.pcm);
    let agree = 0;
    for (let i = 0; i < clips.count; i++) if (hostPredictions[i] === fromOnnx[i]) agree++;
    // The detector's objects for a Cortex-M0+ (engine, model, front end): sizes, forbidden helpers, stacks.
    const sizes = buildCortexM0Plus(exportDir);
    // QEMU's Cortex-M3: the front end on the first clips (its features hashed), then the network on those features.
    const qemuCount = Math.min(QEMU_CLIPS, clips.count);
    const frontEnd = measureFrontEnd(exportDir, clips.pcm, qemuCount);
    const network = runCortexM3(exportDir, hostFeatures, qemuCount);
    const qemuFeaturesMatch = frontEnd.featureHashes.every((hash, i) => hash === fnv1a(hostFeatures.subarray(i * 784, (i + 1) * 784)));
    const estimate = integerModelFootprint(integer, packing);
    const instructions = frontEnd.instructionsPerWindow + network.instructions;
    // bitnet_kws_push calls bitnet_predict: the front end's frames on top of the network's deepest chain.
    const stackBytes = sizes.stackBytes + frontEnd.stackBytes;
    const frontEndCost = { flashBytes: frontEnd.flashBytes, ramBytes: frontEnd.ramBytes, stackBytes: frontEnd.stackBytes, instructions: frontEnd.instructionsPerWindow, source: 'bench:mcu' };
    const power = CHIP_POWER.map((chip) => ({ chip, estimate: estimatePower(instructions, chip, WINDOWS_PER_SECOND) }));
    const chosen = power[0]!;
    const estimatedDetector = detectorBudget(estimate, networkInstructionEstimate(config, classCount), frontEndCost);
    console.log(
      JSON.stringify({
        preset: PRESET,
        dataset: datasetName,
        packing,
        bitsPerWeight: Number(estimate.bitsPerWeight.toFixed(4)),
        flashBytes: sizes.flashBytes,
        ramBytes: sizes.ramBytes,
        stackBytes,
        instructionsPerInference: instructions,
        frontEndInstructions: frontEnd.instructionsPerWindow,
        networkInstructions: network.instructions,
        msAt48MHz: Number((instructions / 48_000).toFixed(2)),
        powerMilliwatts: Number(chosen.estimate.averageMilliwatts.toFixed(3)),
        energyMicrojoulesPerWindow: Number(chosen.estimate.energyMicrojoules.toFixed(1)),
        windowsPerSecond: WINDOWS_PER_SECOND,
        powerChip: { id: chosen.chip.id, runMicroampsPerMhz: chosen.chip.runMicroampsPerMhz, sleepMicroamps: chosen.chip.sleepMicroamps, supplyVolts: chosen.chip.supplyVolts, clockMhz: chosen.chip.clockMhz, source: chosen.chip.source },
        cAccuracy: accuracyOf(hostPredictions),
        onnxAccuracy: accuracyOf(fromOnnx),
        agreement: agree / clips.count,
        referenceAccuracy,
        pageAccuracy: accuracyOf(pagePredictions),
        cScoresEqualPage: scoresEqual,
        qemuMatchesHost: qemuFeaturesMatch && network.predictions.every((p, i) => p === hostPredictions[i]),
        qemuClips: qemuCount,
        heldOutClips: clips.count,
        split: clips.split,
        forbiddenSymbols: forbiddenSymbols(sizes.undefinedSymbols),
        frontEndFlashBytes: frontEnd.flashBytes,
        frontEndRamBytes: frontEnd.ramBytes,
        frontEndStackBytes: frontEnd.stackBytes,
        estimatedFlashBytes: estimatedDetector.flashBytes,
        estimatedRamBytes: estimatedDetector.ramBytes,
        estimatedNetworkInstructions: estimatedDetector.networkInstructions,
        meetsTargets: instructions <= TARGETS.instructions && sizes.flashBytes <= TARGETS.flashBytes && sizes.ramBytes + stackBytes <= TARGETS.ramBytes,
        seed: config.seed,
        epochs,
        backend,
        trainSeconds: saved ? null : Number(trainSeconds.toFixed(1)),
      }),
    );
    if (packing === PACKINGS[0]) {
      for (const { chip, estimate: chipEstimate } of power) {
        console.log(
          JSON.stringify({
            preset: PRESET,
            packing,
            chip: chip.id,
            core: chip.core,
            instructionsPerInference: instructions,
            windowsPerSecond: WINDOWS_PER_SECOND,
            msPerWindow: Number((chipEstimate.activeSeconds * 1000).toFixed(2)),
            energyMicrojoulesPerWindow: Number(chipEstimate.energyMicrojoules.toFixed(1)),
            powerMilliwatts: Number(chipEstimate.averageMilliwatts.toFixed(3)),
            keepsUp: chipEstimate.keepsUp,
            runMicroampsPerMhz: chip.runMicroampsPerMhz,
            sleepMicroamps: chip.sleepMicroamps,
            supplyVolts: chip.supplyVolts,
            clockMhz: chip.clockMhz,
            source: chip.source,
          }),
        );
      }
    }
  }
}
