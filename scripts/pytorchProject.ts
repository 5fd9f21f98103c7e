/**
 * Runs the exported PyTorch project with a real Python, for the tests (Node only): writes a project's files,
 * checks that Python with torch and numpy is there, runs train.py as one process or as several ranks started with
 * torchrun's environment contract (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT: what torchrun gives the
 * script; Debian 12's torchrun binary itself fails at start), and runs a snippet inside the project's folder.
 * The Python is Debian's /usr/bin/python3 (where python3-torch installs), or BITNET_PYTHON.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PYTHON = process.env.BITNET_PYTHON ?? '/usr/bin/python3';

/** True when PYTHON imports torch and numpy. */
export function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

/** Writes the project's files (text or bytes) into a fresh temporary folder and returns it. */
export function writeProject(files: Record<string, string | Uint8Array>, prefix = 'bitnet-pytorch-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export interface TrainRun {
  /** The JSON lines train.py printed, parsed. */
  lines: Record<string, unknown>[];
  output: string;
}

function parseLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `python train.py ARGS` in the project folder, one process; throws with its output when it fails. */
export function runTrain(dir: string, args: readonly string[]): TrainRun {
  const result = spawnSync(PYTHON, ['train.py', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (result.status !== 0) throw new Error(`train.py ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return { lines: parseLines(result.stdout), output: result.stdout + result.stderr };
}

/** A TCP port nobody listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `train.py ARGS` as `world` ranks on this machine (gloo on CPUs), as torchrun starts them; rank 0's run. */
export async function runRanks(dir: string, args: readonly string[], world: number): Promise<TrainRun> {
  const port = await freePort();
  const ranks = Array.from({ length: world }, (_, rank) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env, OMP_NUM_THREADS: '1', RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: String(world), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) };
      const child = spawn(PYTHON, ['train.py', ...args], { cwd: dir, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    }),
  );
  const results = await Promise.all(ranks);
  results.forEach((result, rank) => {
    if (result.status !== 0) throw new Error(`rank ${rank} of train.py ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  });
  return { lines: parseLines(results[0]!.stdout), output: results.map((r) => r.stdout + r.stderr).join('\n') };
}

/** Runs a Python snippet in the project's folder (its modules importable) and returns what it printed. */
export function runSnippet(dir: string, code: string): string {
  const result = spawnSync(PYTHON, ['-c', code], { cwd: dir, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python snippet failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/**
 * The project's own answers (train.py's predict, shift averaging included) for images of the page's data: the
 * network, its classes and the images' shape (the run's input_conversion, else MNIST's 28×28 grey) come from the
 * checkpoint at `checkpoint` (relative to `dir`). images: (count, side, side, channels) uint8, as the page holds them.
 */
export function projectPredictions(dir: string, checkpoint: string, images: Uint8Array): number[] {
  writeFileSync(join(dir, 'eval.bin'), images);
  const code = [
    'import json, numpy as np, torch, checkpoint',
    'from model import TernaryNet, input_shape',
    'from train import predict',
    `tensors, metadata = checkpoint.read(${JSON.stringify(checkpoint)})`,
    'config, conversion = metadata["config"], metadata.get("input_conversion")',
    'model = TernaryNet(config, len(metadata["class_names"]), input_shape(config, conversion))',
    'checkpoint.load_weights(model, tensors)',
    'side, channels = (conversion["side"], 3 if conversion["color"] == "rgb" else 1) if conversion else (28, 1)',
    'images = np.fromfile("eval.bin", dtype=np.uint8).reshape((-1, side, side) if channels == 1 else (-1, side, side, channels))',
    'print(json.dumps(predict(model, config, images, torch.device("cpu")).tolist()))',
  ].join('\n');
  return JSON.parse(runSnippet(dir, code)) as number[];
}
