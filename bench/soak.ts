/**
 * `npm run bench:soak`: a long run must not leak. Headless Chromium runs the production build and trains the
 * default preset for BENCH_EPOCHS (default 20) epochs on the embedded data, with every view updating. At each
 * epoch end it pauses the run and prints one JSON line: TensorFlow.js's tensor count and bytes in the worker, and
 * the JS heaps of the training worker and of the page (DevTools protocol, the least of five readings each after a
 * full garbage collection), each split by a heap snapshot into V8's compiled code and what the scripts keep:
 * {"epoch","longTasks","longestTaskMs","tensors","bytes","workerHeapBytes","workerCompiledCodeBytes",
 * "workerOtherBytes","pageHeapBytes","pageCompiledCodeBytes","pageOtherBytes"} … {"summary":…}, where longTasks
 * counts the page's main-thread tasks over 50 ms during that epoch. The summary gives each figure's relative spread
 * after the first epoch, and the heaps' over the second half of the run alone. Asserts nothing. BENCH_BACKEND=wasm
 * (or webgpu, cpu) forces the training backend.
 */
import type { CDPSession } from 'playwright-core';
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

/**
 * One DevTools protocol target (the page, or the worker through the page's session): calls, and the chunks of a
 * heap snapshot, which arrive as events while HeapProfiler.takeHeapSnapshot runs.
 */
interface ProtocolTarget {
  call(method: string, params?: object): Promise<unknown>;
  setSnapshotListener(listener: ((chunk: string) => void) | null): void;
}

function pageTarget(session: CDPSession): ProtocolTarget {
  let listener: ((chunk: string) => void) | null = null;
  session.on('HeapProfiler.addHeapSnapshotChunk', (event: { chunk: string }) => listener?.(event.chunk));
  return {
    call: (method, params) => session.send(method as 'Runtime.getHeapUsage', params),
    setSnapshotListener: (next) => (listener = next),
  };
}

/**
 * The training worker's own protocol target. Playwright cannot open a DevTools session on a dedicated worker, but
 * the page's session can attach to its child targets (auto-attach without flattening) and pass messages to them:
 * calls go out as Target.sendMessageToTarget; answers and events come back as Target.receivedMessageFromTarget.
 */
async function workerTarget(pageSession: CDPSession): Promise<ProtocolTarget | null> {
  let workerSessionId: string | null = null;
  let listener: ((chunk: string) => void) | null = null;
  const answers = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  pageSession.on('Target.attachedToTarget', (event: { sessionId: string; targetInfo: { type: string } }) => {
    if (event.targetInfo.type === 'worker') workerSessionId ??= event.sessionId;
  });
  pageSession.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: { chunk: string } };
    if (message.method === 'HeapProfiler.addHeapSnapshotChunk') listener?.(message.params!.chunk);
    if (message.id === undefined) return;
    const waiting = answers.get(message.id);
    answers.delete(message.id);
    if (message.error) waiting?.reject(new Error(message.error.message));
    else waiting?.resolve(message.result);
  });
  await pageSession.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  for (let wait = 0; wait < 50 && workerSessionId === null; wait++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (workerSessionId === null) return null;
  const sessionId: string = workerSessionId;
  let nextId = 1;
  return {
    call: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        answers.set(id, { resolve, reject });
        pageSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
      }),
    setSnapshotListener: (next) => (listener = next),
  };
}

async function heapAfterGc(target: ProtocolTarget): Promise<number> {
  let least = Infinity;
  for (let read = 0; read < HEAP_READS; read++) {
    await target.call('HeapProfiler.collectGarbage');
    least = Math.min(least, ((await target.call('Runtime.getHeapUsage')) as { usedSize: number }).usedSize);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return least;
}

/**
 * What a heap holds, from a heap snapshot: V8's compiled code (machine code, bytecode and their tables, which V8
 * manages itself and grows as more functions get hot enough to optimize) apart from everything else the scripts
 * keep. Bytes by the snapshot's node types.
 */
async function heapBreakdown(target: ProtocolTarget): Promise<{ compiledCodeBytes: number; otherBytes: number }> {
  const chunks: string[] = [];
  target.setSnapshotListener((chunk) => chunks.push(chunk));
  await target.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  target.setSnapshotListener(null);
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

/** One heap after garbage collection, and the same heap split by a snapshot. */
interface HeapFigures {
  heapBytes: number;
  compiledCodeBytes: number;
  otherBytes: number;
}

async function heapFigures(target: ProtocolTarget): Promise<HeapFigures> {
  const heapBytes = await heapAfterGc(target);
  return { heapBytes, ...(await heapBreakdown(target)) };
}

interface Sample {
  epoch: number;
  longTasks: number;
  longestTaskMs: number;
  tensors: number;
  bytes: number;
  workerHeapBytes: number;
  workerCompiledCodeBytes: number;
  workerOtherBytes: number;
  pageHeapBytes: number;
  pageCompiledCodeBytes: number;
  pageOtherBytes: number;
}

const { browser, url: appUrl, close: stopBrowserAndServer } = await startPreviewAndBrowser(PORT);
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
  // One epoch more than measured, so that every measurement finds the run in the same state: paused, not done.
  await page.getByTestId('config-epochs').fill(String(epochs + 1));
  await page.getByTestId('train-toggle').click();
  const worker = page.workers()[0]!;
  // JS heaps through the DevTools protocol, each after a full garbage collection, so that only what is kept counts.
  const pageSession = await page.context().newCDPSession(page);
  const pageHeap = pageTarget(pageSession);
  const workerHeap = await workerTarget(pageSession);
  if (!workerHeap) throw new Error('the training worker did not appear as a DevTools target');
  const samples: Sample[] = [];
  console.error(`# soak: ${epochs} epochs of the default preset on ${await page.getByTestId('backend').textContent()}`);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    // metric-epoch reads "current / total" (1-based): epoch k has ended when it shows k + 1.
    await page.waitForFunction(
      (target) => Number.parseInt(document.querySelector('[data-testid="metric-epoch"]')?.textContent ?? '0', 10) > target,
      epoch,
      { timeout: 30 * 60_000, polling: 250 },
    );
    // Measured at rest: training paused at the epoch end, so that a batch being built or a report being drawn
    // does not count (single readings taken while training moved by up to 2 MB), then resumed.
    await page.getByTestId('train-toggle').click();
    await page.locator('[data-testid="status"][data-status="paused"]').waitFor({ timeout: 60_000 });
    const memory = (await worker.evaluate(() => (globalThis as unknown as { bitnetMemory: () => unknown }).bitnetMemory())) as {
      tensors: number;
      bytes: number;
    };
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
    const workerFigures = await heapFigures(workerHeap);
    const pageFigures = await heapFigures(pageHeap);
    const sample: Sample = {
      epoch,
      longTasks: longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...longTasks)),
      tensors: memory.tensors,
      bytes: memory.bytes,
      workerHeapBytes: workerFigures.heapBytes,
      workerCompiledCodeBytes: workerFigures.compiledCodeBytes,
      workerOtherBytes: workerFigures.otherBytes,
      pageHeapBytes: pageFigures.heapBytes,
      pageCompiledCodeBytes: pageFigures.compiledCodeBytes,
      pageOtherBytes: pageFigures.otherBytes,
    };
    samples.push(sample);
    console.log(JSON.stringify(sample));
    // The measuring's own main-thread tasks (five full garbage collections and a heap snapshot of the page) are
    // long tasks too; dropped here, so that the next epoch's count is the training's alone.
    await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
    if (epoch < epochs) await page.getByTestId('train-toggle').click();
  }
  const relativeSpread = (from: Sample[], key: keyof Sample) => {
    const values = from.map((sample) => sample[key]);
    return (Math.max(...values) - Math.min(...values)) / Math.max(1, Math.min(...values));
  };
  const spread = (key: keyof Sample) => relativeSpread(samples.slice(1), key);
  // The second half alone: V8 keeps optimizing more functions for several epochs (a warm-up that levels off),
  // whereas a leak grows in the second half as in the first.
  const secondHalf = samples.slice(Math.floor(samples.length / 2));
  const growth = (key: keyof Sample) => samples.at(-1)![key] - samples[1]![key];
  console.log(
    JSON.stringify({
      summary: `epochs 2..${epochs}: relative spread (max − min) / min, and growth in bytes from epoch 2 to the last`,
      tensors: spread('tensors'),
      bytes: spread('bytes'),
      workerHeapBytes: spread('workerHeapBytes'),
      workerOtherBytes: spread('workerOtherBytes'),
      pageHeapBytes: spread('pageHeapBytes'),
      pageOtherBytes: spread('pageOtherBytes'),
      workerCompiledCodeGrowthBytes: growth('workerCompiledCodeBytes'),
      workerOtherGrowthBytes: growth('workerOtherBytes'),
      pageCompiledCodeGrowthBytes: growth('pageCompiledCodeBytes'),
      pageOtherGrowthBytes: growth('pageOtherBytes'),
      secondHalf: `epochs ${secondHalf[0]?.epoch}..${epochs}: relative spread`,
      secondHalfWorkerHeapBytes: relativeSpread(secondHalf, 'workerHeapBytes'),
      secondHalfWorkerOtherBytes: relativeSpread(secondHalf, 'workerOtherBytes'),
      secondHalfPageHeapBytes: relativeSpread(secondHalf, 'pageHeapBytes'),
      secondHalfPageOtherBytes: relativeSpread(secondHalf, 'pageOtherBytes'),
    }),
  );
} finally {
  await stopBrowserAndServer();
}
