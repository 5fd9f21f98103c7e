/**
 * What the session trains: the dataset, the configuration new trainers are built with, and the trainer of the
 * run (null until it is needed, or after a reset). The trainer's own config holds the same settings, moved with it
 * (the session's applyInferenceSettings). Building and dropping the trainer happen here, nothing else.
 */
import type { DatasetId, SplitDataset } from '../core/data/dataset';
import type { TrainConfig } from '../core/model/config';
import type { Teacher } from '../train/teacher';
import { Trainer } from '../train/trainer';

export class RunSlot {
  dataset: SplitDataset | null = null;
  datasetId: DatasetId = 'mnist-10k';
  /** The configuration new trainers are built with (null until the page configures). */
  config: TrainConfig | null = null;
  private current: Trainer | null = null;
  /** Bumped for every new trainer, so cached inference models never outlive the weights they were built from. */
  private generation = 0;

  get trainer(): Trainer | null {
    return this.current;
  }

  /** The run's trainer, built from the config (with this teacher) when there is none. */
  ensureTrainer(teacher: Teacher | null): Trainer {
    const dataset = this.requireDataset();
    if (!this.config) throw new Error('No configuration has been set.');
    if (!this.current) {
      this.current = new Trainer(this.config, dataset, teacher);
      this.generation++;
    }
    return this.current;
  }

  /** Takes the trainer out (the caller disposes it, when its tensors still exist); null when there was none. */
  detachTrainer(): Trainer | null {
    const trainer = this.current;
    this.current = null;
    return trainer;
  }

  requireDataset(): SplitDataset {
    if (!this.dataset) throw new Error('No dataset is loaded yet.');
    return this.dataset;
  }

  /** Names the weights of this moment (a new trainer, or a step), for the cache of folded inference models. */
  weightsVersion(): number {
    return this.generation * 1e9 + (this.current?.globalStep ?? 0);
  }
}
