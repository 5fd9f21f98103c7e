/**
 * For the Node tests of the session's parts: a small network that trains in milliseconds on the tfjs CPU backend,
 * the embedded dataset, and a post that records events.
 */
import { mlpLayers } from '../core/model/layers';
import { PRESETS, type TrainConfig } from '../core/model/config';
import type { SplitDataset } from '../core/data/dataset';
import type { PostEvent, WorkerEvent } from '../protocol/messages';
import { loadEmbeddedMnist } from '../train/embeddedMnist.testing';
import * as tf from '../train/tf';

export const TINY: TrainConfig = { ...PRESETS.seed, layers: mlpLayers([16]), batchSize: 200, epochs: 1 };

/** The embedded dataset on the CPU backend (call in beforeAll). */
export async function cpuDataset(): Promise<SplitDataset> {
  await tf.setBackend('cpu');
  return loadEmbeddedMnist();
}

/** A post that keeps every event, and the events of one type. */
export function recorder() {
  const events: WorkerEvent[] = [];
  const post: PostEvent = (event) => events.push(event);
  const ofType = <T extends WorkerEvent['type']>(type: T) => events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  return { events, post, ofType };
}

/** A clock that moves 5 ms at each reading. */
export function steppingClock(): () => number {
  let now = 0;
  return () => (now += 5);
}
