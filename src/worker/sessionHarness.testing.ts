/**
 * A TrainingSession in Node (tfjs CPU backend) with its events recorded, for the session's tests: a clock that
 * advances 5 ms a read, the given dataset loader, and helpers that read the events.
 */
import { PRESETS, type TrainConfig } from '../core/model/config';
import { mlpLayers } from '../core/model/layers';
import type { WorkerEvent } from '../protocol/messages';
import { TrainingSession, type SessionDeps } from './trainingSession';

export const SMALL: TrainConfig = { ...PRESETS.seed, layers: mlpLayers([32]), batchSize: 200, epochs: 1 };

export function sessionHarness(loader: SessionDeps['loadDataset']) {
  const events: WorkerEvent[] = [];
  let clock = 0;
  const session = new TrainingSession({
    post: (event) => events.push(event),
    now: () => (clock += 5),
    loadDataset: loader,
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    gpuLostReason: () => null,
    fallBackFromGpu: async () => 'cpu',
    loseGpu: () => undefined,
    crash: () => undefined,
  });
  const statuses = () => events.filter((e): e is Extract<WorkerEvent, { type: 'status' }> => e.type === 'status').map((e) => e.status);
  const lastStep = () => {
    const progress = events.filter((e): e is Extract<WorkerEvent, { type: 'progress' }> => e.type === 'progress');
    return progress.length === 0 ? 0 : progress[progress.length - 1]!.globalStep;
  };
  const internalErrors = () => events.filter((e) => e.type === 'error' && e.message.startsWith('Internal'));
  const waitFor = async (predicate: () => boolean, what: string) => {
    for (let i = 0; i < 4000 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    if (!predicate()) throw new Error(`timed out waiting for ${what}`);
  };
  return { session, events, statuses, lastStep, internalErrors, waitFor };
}

export type SessionHarness = ReturnType<typeof sessionHarness>;

export async function ready(h: SessionHarness, config: TrainConfig = SMALL): Promise<void> {
  await h.session.receive({ type: 'load-dataset', source: { kind: 'embedded', baseUrl: '' } });
  await h.session.receive({ type: 'configure', config, preset: 'custom' });
}

