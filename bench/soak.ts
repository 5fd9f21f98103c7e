/**
 * `npm run bench:soak`: a long run must not leak. Headless Chromium runs the production build and trains the
 * default preset for BENCH_EPOCHS (default 20) epochs on the embedded data, with every view updating; at each
 * epoch end it prints one JSON line with TensorFlow.js's tensor count and bytes in the worker and the JS heap of
 * the page and of the worker (DevTools protocol, the least of five readings each after a full garbage collection;
 * null where the worker's cannot be read), and at the end how much each moved after the first epoch:
 * {"epoch","longTasks","longestTaskMs","tensors","bytes","workerHeapBytes","pageHeapBytes"} … {"summary":…}, where
 * longTasks counts the page's main-thread tasks over 50 ms during that epoch. Asserts nothing.
 * BENCH_BACKEND=wasm (or webgpu, cpu) forces the training backend.
 */
import type { CDPSession, Page } from 'playwright-core';
import { startPreviewAndBrowser } from './browser';

const PORT = 5196;
const epochs = Number(process.env.BENCH_EPOCHS ?? 20);
const backend = process.env.BENCH_BACKEND;


/**
 * The JS heap kept: the least of HEAP_READS readings, each after a full garbage collection, 200 ms apart. One
 * reading taken while training goes on also counts what is in flight at that instant (a weight report being
 * drawn, a render's work-in-progress tree), and varied by up to 2 MB here from one reading to the next.
 */
const HEAP_READS = 5;
async function heapAfterGc(session: CDPSession | null): Promise<number | null> {
  if (!session) return null;
  try {
    let least = Infinity;
    for (let read = 0; read < HEAP_READS; read++) {
      await session.send('HeapProfiler.collectGarbage');
      least = Math.min(least, (await session.send('Runtime.getHeapUsage')).usedSize);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return least;
  } catch {
    return null;
  }
}

/**
 * What the page's heap holds, from a heap snapshot: V8's compiled code (machine code, bytecode and their tables,
 * which V8 manages itself) apart from everything else the scripts keep. Bytes by the snapshot's node types.
 */
async function heapBreakdown(session: CDPSession): Promise<{ compiledCodeBytes: number; otherBytes: number }> {
  const chunks: string[] = [];
  const collect = (event: { chunk: string }) => chunks.push(event.chunk);
  session.on('HeapProfiler.addHeapSnapshotChunk', collect);
  await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  session.off('HeapProfiler.addHeapSnapshotChunk', collect);
  const snapshot = JSON.parse(chunks.join('')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[] };
  const fields = snapshot.snapshot.meta.node_fields;
  const typeNames = snapshot.snapshot.meta.node_types[0];
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  let compiledCodeBytes = 0;
  let otherBytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = typeNames[snapshot.nodes[i + typeAt]!];
    // 'native' nodes are the DOM and other embedder objects; getHeapUsage does not count them either.
    if (type === 'code') compiledCodeBytes += snapshot.nodes[i + sizeAt]!;
    else if (type !== 'native' && type !== 'synthetic') otherBytes += snapshot.nodes[i + sizeAt]!;
  }
  return { compiledCodeBytes, otherBytes };
}

interface Sample {
  epoch: number;
  longTasks: number;
  longestTaskMs: number;
  tensors: number;
  bytes: number;
  workerHeapBytes: number | null;
  pageHeapBytes: number;
  /** At epoch 2 and the last epoch only (a heap snapshot takes seconds): the page heap's compiled code and the rest. */
  pageCompiledCodeBytes?: number;
  pageOtherBytes?: number;
}

const { server, browser, url: appUrl } = await startPreviewAndBrowser(PORT);
try {
  const page = await browser.newPage();
  // Main-thread long tasks (> 50 ms) while training with every view updating: a figure, reported per epoch.
  await page.addInitScript(() => {
    const durations: number[] = [];
    (window as unknown as { longTasks: number[] }).longTasks = durations;
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => durations.push(entry.duration))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${appUrl}${backend ? `?backend=${backend}` : ''}`);
  await page.getByTestId('backend').filter({ hasText: /webgpu|webgl|wasm|cpu/ }).waitFor({ timeout: 60_000 });
  await page.getByTestId('dataset-summary').filter({ hasText: '9,000 train' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('config-epochs').fill(String(epochs));
  await page.getByTestId('train-toggle').click();
  const worker = page.workers()[0]!;
  // JS heaps through the DevTools protocol, each after a full garbage collection, so that only what is kept counts.
  const pageSession = await page.context().newCDPSession(page);
  const workerSession = await page
    .context()
    .newCDPSession(worker as unknown as Page)
    .catch(() => null);
  const samples: Sample[] = [];
  console.error(`# soak: ${epochs} epochs of the default preset on ${await page.getByTestId('backend').textContent()}`);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    // metric-epoch reads "current / total" (1-based): epoch k has ended when it shows k + 1, or the run is done.
    await page.waitForFunction(
      ({ target, last }) =>
        last
          ? document.querySelector('[data-testid="status"]')?.textContent === 'done'
          : Number.parseInt(document.querySelector('[data-testid="metric-epoch"]')?.textContent ?? '0', 10) > target,
      { target: epoch, last: epoch === epochs },
      { timeout: 30 * 60_000, polling: 250 },
    );
    const memory = (await worker.evaluate(() => (globalThis as unknown as { bitnetMemory: () => unknown }).bitnetMemory())) as {
      tensors: number;
      bytes: number;
    };
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
    const breakdown = epoch === 2 || epoch === epochs ? await heapBreakdown(pageSession) : null;
    const sample: Sample = {
      epoch,
      longTasks: longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...longTasks)),
      tensors: memory.tensors,
      bytes: memory.bytes,
      workerHeapBytes: await heapAfterGc(workerSession),
      pageHeapBytes: (await heapAfterGc(pageSession))!,
      ...(breakdown && { pageCompiledCodeBytes: breakdown.compiledCodeBytes, pageOtherBytes: breakdown.otherBytes }),
    };
    samples.push(sample);
    console.log(JSON.stringify(sample));
  }
  const after = samples.slice(1);
  const spread = (values: number[]) => (Math.max(...values) - Math.min(...values)) / Math.max(1, Math.min(...values));
  console.log(
    JSON.stringify({
      summary: `epochs 2..${epochs}: relative spread (max − min) / min`,
      tensors: spread(after.map((s) => s.tensors)),
      bytes: spread(after.map((s) => s.bytes)),
      workerHeapBytes: after.every((s) => s.workerHeapBytes !== null) ? spread(after.map((s) => s.workerHeapBytes!)) : null,
      pageHeapBytes: spread(after.map((s) => s.pageHeapBytes)),
      // Where the page heap's change from epoch 2 to the last lies: V8's compiled code, or what the scripts keep.
      pageCompiledCodeGrowthBytes: (samples.at(-1)?.pageCompiledCodeBytes ?? 0) - (samples[1]?.pageCompiledCodeBytes ?? 0),
      pageOtherGrowthBytes: (samples.at(-1)?.pageOtherBytes ?? 0) - (samples[1]?.pageOtherBytes ?? 0),
    }),
  );
} finally {
  await browser.close();
  server.kill();
}
