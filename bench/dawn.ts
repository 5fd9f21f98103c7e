/**
 * `npm run bench:dawn`: our WGSL kernels and TensorFlow.js training on a real GPU, in Node, through Dawn's Node
 * binding (the `webgpu` npm package). The page measures the same things in Chromium (bench:kernel, bench:train);
 * on a machine without a GPU, Chromium's adapter is SwiftShader, so this is the way to absolute figures on a GPU.
 *
 * `webgpu` is not a dependency (its package is 50 MB of prebuilt Dawn for every platform): install it with
 * `npm install --no-save webgpu` where a GPU is, or point WEBGPU_MODULE at an unpacked copy of the package.
 * DAWN_FLAGS (comma-separated, e.g. `backend=vulkan`) are passed to Dawn's create().
 *
 * For each preset (BENCH_PRESETS, default seed,b158-mlp,cnn,mcu-16k): one epoch of training on the full MNIST
 * (MNIST_DIR) on tfjs's WebGPU backend, timed; then, on the trained weights, the page's kernel benchmark
 * (src/worker/kernelTasks.ts): our kernels against tfjs float matMul/conv2d on the same adapter and the CPU
 * reference, at batch 1, 64, 1,024 and 10,000 (BENCH_BATCHES), with the predictions checked. BENCH_MAX_STEPS ends
 * the epoch early; its time is then estimated from the median step. Prints JSON lines; asserts nothing.
 *
 * The kernels import their WGSL as Vite `?raw` modules, so the script runs bundled (bench/bundleForNode.ts; the npm
 * script bundles, then runs). The bundle needs no node_modules: copy it, the `webgpu` package and the MNIST files to
 * a GPU machine and run `WEBGPU_MODULE=/path/to/webgpu/index.js MNIST_DIR=… node dawn.mjs` there.
 */
import { PRESETS, type PresetId } from '../src/core/model/config';
import { initBackend, registerOptionalBackends } from '../src/train/backend';
import * as tf from '../src/train/tf';
import { Trainer } from '../src/train/trainer';
import { InferenceService } from '../src/worker/inferenceService';
import { benchmarkKernels } from '../src/worker/kernelTasks';
import { loadFullDatasetFromDir } from './nodeData';

interface DawnModule {
  create: (flags: string[]) => GPU;
  globals: Record<string, unknown>;
}

const mnistDir = process.env.MNIST_DIR;
if (!mnistDir) {
  console.error('Set MNIST_DIR to a folder with the four MNIST IDX files, e.g. MNIST_DIR=../shared/data/mnist');
  process.exit(2);
}
const presets = (process.env.BENCH_PRESETS ?? 'seed,b158-mlp,cnn,mcu-16k').split(',') as PresetId[];
const batches = (process.env.BENCH_BATCHES ?? '1,64,1024,10000').split(',').map(Number);
/** BENCH_MAX_STEPS ends the epoch early (a quick check of the script on a software adapter). */
const maxSteps = Number(process.env.BENCH_MAX_STEPS ?? Infinity);

let dawn: DawnModule;
try {
  dawn = (await import(process.env.WEBGPU_MODULE ?? 'webgpu')) as DawnModule;
} catch (error) {
  console.error(`Dawn's Node binding is not installed (${String(error)}). Install it with: npm install --no-save webgpu`);
  process.exit(2);
}
Object.assign(globalThis, dawn.globals);
const gpu = dawn.create((process.env.DAWN_FLAGS ?? '').split(',').filter(Boolean));
// Node 21+ defines navigator without gpu; Node 20 has none. tfjs's WebGPU backend and our kernels read navigator.gpu.
Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });

const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter) {
  console.error('Dawn found no adapter.');
  process.exit(1);
}
const info = adapter.info;
console.log(JSON.stringify({ adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description }, node: process.version }));

await registerOptionalBackends();
const backend = await initBackend(['webgpu']);
const data = loadFullDatasetFromDir(mnistDir, 'MNIST');

for (const preset of presets) {
  // One epoch, with the schedule over that epoch, so the weights measured are those of a short real run.
  const trainer = new Trainer({ ...PRESETS[preset], epochs: 1 }, data);
  const stepTimes: number[] = [];
  const started = performance.now();
  while (!trainer.finished && trainer.globalStep < maxSteps) {
    const stepStarted = performance.now();
    await trainer.step();
    stepTimes.push(performance.now() - stepStarted);
    if (trainer.globalStep % 100 === 0) console.error(`# ${preset}: step ${trainer.globalStep}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const { accuracy } = await trainer.evaluate(data.test ?? data.validation);
  // The first steps compile tfjs's shaders; the median is the steady step.
  const sorted = [...stepTimes].sort((a, b) => a - b);
  const medianStepMs = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    JSON.stringify({
      preset,
      backend,
      steps: stepTimes.length,
      stepsPerEpoch: trainer.stepsPerEpoch,
      batchSize: trainer.config.batchSize,
      trainSeconds: Number(trainSeconds.toFixed(2)),
      // Measured when the whole epoch ran (BENCH_MAX_STEPS unset), else the median step times the epoch's steps.
      epochSeconds: Number((trainer.finished ? trainSeconds : (medianStepMs * trainer.stepsPerEpoch) / 1000).toFixed(2)),
      epochMeasured: trainer.finished,
      medianStepMs: Number(medianStepMs.toFixed(2)),
      firstStepMs: Number(stepTimes[0]!.toFixed(0)),
      testAccuracy: accuracy,
    }),
  );

  const service = new InferenceService();
  const built = await service.model(trainer, trainer.config.threshold, 1);
  const variants = [built];
  if (built.network?.kernels.includes('dot4')) variants.push({ model: built.model, network: built.network.withoutDot4() });
  const { rows, tfjsBackend } = await benchmarkKernels(service, trainer, data, variants, preset, batches);
  for (const row of rows) console.log(JSON.stringify({ ...row, tfjsBackend }));
  variants.forEach((variant) => variant.network?.destroy());
  trainer.dispose();
  console.error(`# ${preset}: ${tf.memory().numTensors} tensors left`);
}
// Dawn keeps Node alive while its instance is referenced (webgpu's README): let go of it.
Reflect.deleteProperty(globalThis, 'navigator');
process.exit(0);
