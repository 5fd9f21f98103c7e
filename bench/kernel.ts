/**
 * `npm run bench:kernel`: headless Chromium with WebGPU runs the production build, trains each preset briefly
 * on full MNIST (MNIST_DIR; the embedded 10k subset without it), then presses the page's kernel benchmark:
 * forward passes over the held-out images at batch 1, 64, 1024 and 10,000 on our WGSL kernels, on TensorFlow.js
 * float matMul or conv2d (same adapter) and on the CPU reference. Prints one JSON line per measurement. Asserts
 * nothing.
 * BENCH_STEPS (default 150) sets the training steps before measuring; BENCH_PRESETS=seed limits the presets.
 * Each preset runs in a Chromium of its own (one `vite preview` serves them all).
 */
import { launchBrowser, startPreview } from './browser';

const PORT = 5197;
const steps = Number(process.env.BENCH_STEPS ?? 150);
const presets = (process.env.BENCH_PRESETS ?? 'seed,b158-mlp,cnn').split(',');


const { url: appUrl, stop: stopServer } = await startPreview(PORT);
const benchStarted = performance.now();
try {
  for (const preset of presets) {
    const presetStarted = performance.now();
    // A Chromium of its own per preset, so that a preset's figures do not depend on what an earlier preset left in
    // the (software) GPU process (docs/benchmarks.md, bench:kernel).
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(appUrl);
      await page.getByTestId('backend').filter({ hasText: /webgpu|webgl|wasm|cpu/ }).waitFor({ timeout: 60_000 });
      await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
      if (process.env.MNIST_DIR) {
        await page.getByTestId('dataset-select').selectOption('mnist');
        await page.getByTestId('dataset-summary').filter({ hasText: '10,000 test' }).waitFor({ timeout: 120_000 });
      }
      await page.getByTestId('preset-select').selectOption(preset);
      await page.getByTestId('train-toggle').click();
      await page.waitForFunction(
        (target) => Number(document.querySelector('[data-testid="metric-step"]')?.textContent) >= target,
        steps,
        { timeout: 30 * 60_000, polling: 1000 },
      );
      await page.getByTestId('train-toggle').click();
      await page.getByTestId('status').filter({ hasText: 'paused' }).waitFor();
      const validation = await page.getByTestId('metric-val-acc').textContent();
      await page.getByTestId('kernel-bench').click();
      const result = page.getByTestId('kernel-bench-result');
      await page.waitForFunction(() => !!document.querySelector('[data-testid="kernel-bench-result"]')?.getAttribute('data-json'), null, {
        timeout: 30 * 60_000,
        polling: 1000,
      });
      const rows = JSON.parse((await result.getAttribute('data-json')) ?? '[]') as Record<string, unknown>[];
      const backend = await page.getByTestId('backend').textContent();
      const seconds = (started: number) => Math.round((performance.now() - started) / 1000);
      console.error(`# ${preset}: trained ${steps} steps on ${backend}, validation ${validation}; ${seconds(presetStarted)} s for this preset, ${seconds(benchStarted)} s in all`);
      for (const row of rows) {
        const { kernel, batch, ms, tfjsMs, speedup, predictionsAgree, weightBytes, tfjsWeightBytes, cpuMs, agreement } = row;
        console.log(JSON.stringify({ kernel, preset, batch, ms, tfjsMs, speedup, predictionsAgree, weightBytes, tfjsWeightBytes, cpuMs, agreement }));
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  stopServer();
}
