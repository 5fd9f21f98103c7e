/** What the browser benchmarks share: the production build served by `vite preview`, and headless Chromium. */
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`server at ${url} did not start`);
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Headless Chromium with WebGPU, as every browser benchmark launches it. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Starts `vite preview` on the port; returns the app's URL once it answers, and `stop`. The build served is
 * appDir's dist/ (BENCH_APP_DIR, by default this checkout: bench/beforeAfter.sh points it at an older commit's
 * checkout to measure that build the same way). The server runs in its own process group (npx starts vite as a
 * child), so that `stop` stops vite itself and not only npx: a leftover server would keep the port and answer the
 * next benchmark with whatever it was started with.
 */
export async function startPreview(port: number, appDir = process.env.BENCH_APP_DIR ?? process.cwd()): Promise<{ url: string; stop: () => void }> {
  const url = `http://localhost:${port}/`;
  if (await answers(url)) throw new Error(`port ${port} already answers (a leftover \`vite preview\`?); stop that server first`);
  const server: ChildProcess = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore', env: process.env, detached: true, cwd: appDir });
  const stop = () => {
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    await waitForServer(url, 60_000);
    return { url, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/** startPreview() and one Chromium; `close` closes both. */
export async function startPreviewAndBrowser(port: number, appDir?: string): Promise<{ browser: Browser; url: string; close: () => Promise<void> }> {
  const { url, stop } = await startPreview(port, appDir);
  try {
    const browser = await launchBrowser();
    return {
      browser,
      url,
      close: async () => {
        await browser.close();
        stop();
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}
