/**
 * `npm run bench:accuracy`: trains each preset and its float twin (same network, weightQuantizer 'none') on the
 * full MNIST in MNIST_DIR, headless in Node on TensorFlow.js's WASM backend (BENCH_BACKEND=cpu to change it),
 * and prints one JSON line per run plus one comparison line per preset. A benchmark: it asserts nothing.
 * BENCH_EPOCHS and BENCH_PRESETS (comma-separated) shorten it.
 */
import { PRESETS, type PresetId, type TrainConfig } from '../src/core/config';
import { initBackend, isBackendName, registerOptionalBackends } from '../src/train/backend';
import { Trainer } from '../src/train/trainer';
import { loadFullDatasetFromDir } from './nodeData';

const dir = process.env.MNIST_DIR;
if (!dir) {
  console.error('Set MNIST_DIR to a folder with the four MNIST IDX files, e.g. MNIST_DIR=../shared/data/mnist');
  process.exit(2);
}
const epochs = Number(process.env.BENCH_EPOCHS ?? 5);
const presets = (process.env.BENCH_PRESETS ?? 'seed,b158-mlp').split(',') as PresetId[];
const requestedBackend = process.env.BENCH_BACKEND ?? 'wasm';
if (!isBackendName(requestedBackend)) throw new Error(`unknown backend ${requestedBackend}`);

await registerOptionalBackends();
const backend = await initBackend([requestedBackend]);
const data = loadFullDatasetFromDir(dir, 'MNIST');

interface RunResult {
  testAcc: number;
  stepMs: number;
}

async function run(preset: PresetId, config: TrainConfig): Promise<RunResult> {
  const trainer = new Trainer(config, data);
  const started = performance.now();
  let stepMsSum = 0;
  while (!trainer.finished) {
    const stepStart = performance.now();
    await trainer.step();
    stepMsSum += performance.now() - stepStart;
  }
  const test = await trainer.evaluate(data.test!);
  const seconds = (performance.now() - started) / 1000;
  const stepMs = stepMsSum / trainer.totalSteps;
  trainer.dispose();
  const quantized = config.weightQuantizer !== 'none';
  console.log(JSON.stringify({ preset, quantized, backend, epochs, testAcc: test.accuracy, seconds, stepMs }));
  return { testAcc: test.accuracy, stepMs };
}

for (const preset of presets) {
  const config = { ...PRESETS[preset], epochs };
  const ternary = await run(preset, config);
  const float = await run(preset, { ...config, weightQuantizer: 'none' });
  console.log(JSON.stringify({ preset, gap: float.testAcc - ternary.testAcc, stepRatio: ternary.stepMs / float.stepMs }));
}
