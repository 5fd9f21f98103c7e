/**
 * A trained network used as a teacher (knowledge distillation): its logits on each training batch, softened by a
 * temperature, become extra targets for the student (Hinton et al. 2015, "Distilling the Knowledge in a Neural
 * Network"). A small ternary network learns from a teacher's full distribution what the one-hot label leaves out:
 * which wrong classes an image resembles. The teacher is any run of this playground (a checkpoint, a kept run): its
 * own config and weights, evaluated as its own forward pass (inference mode, its own quantizers and input
 * resolution) on the same augmented 28×28 images the student sees. No DOM.
 */
import * as tf from './tf';
import { configInputShape, type ModelConfig } from '../core/model/config';
import { IDX_CLASS_COUNT, imageShapeOfSet, type ImageSet } from '../core/data/dataset';
import { IMAGE_SIDE, modelInputPixels, unitIntervalPixels } from '../core/model/inputResolution';
import { createRng } from '../core/data/rng';
import { SHIFT_PASSES, shiftedCopies } from '../core/model/shiftAveraging';
import { TernaryNetwork } from './model';

export interface TeacherSource {
  config: ModelConfig;
  /** The teacher's model variables in model order (TrainerState.variables). */
  variables: Float32Array[];
  /** Shown in the page and the bench: which run teaches. */
  label: string;
}

export class Teacher {
  private readonly model: TernaryNetwork;
  readonly label: string;

  /** classCount: the student's data set's classes; a teacher of another number of classes does not load. */
  constructor(source: TeacherSource, classCount = IDX_CLASS_COUNT) {
    // The RNG only initializes weights that are overwritten below.
    this.model = new TernaryNetwork(source.config, configInputShape(source.config), classCount, createRng(0));
    const variables = this.model.stateVariables();
    if (source.variables.length !== variables.length || source.variables.some((values, i) => values.length !== variables[i]!.size)) {
      this.model.dispose();
      throw new Error(`The teacher "${source.label}" does not match its own configuration: its weights belong to another network.`);
    }
    if (source.variables.some((values) => !values.every(Number.isFinite))) {
      this.model.dispose();
      throw new Error(`The teacher "${source.label}" has non-finite weights.`);
    }
    tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(source.variables[i]!, v.shape))));
    this.label = source.label;
  }

  get config(): ModelConfig {
    return this.model.config;
  }

  /** images: (count, 28·28) uint8 -> the teacher's logits (count, classes), inference mode. Caller disposes. */
  logits(images: Uint8Array, count: number): tf.Tensor2D {
    if (images.length !== count * IMAGE_SIDE * IMAGE_SIDE) throw new Error('A teacher takes 28×28 images.');
    const pixels = modelInputPixels(this.model.config.inputResolution, images, count);
    return tf.tidy(() => this.model.forward(tf.tensor2d(unitIntervalPixels(pixels), [count, pixels.length / count]), false));
  }

  /**
   * Share of `set`'s images the teacher classifies right (what the page shows next to its name), as its run measured
   * it: with shift averaging, from the summed logits of five moved copies (core/model/shiftAveraging.ts). What it teaches
   * with (logits) is one pass, as training sees the images.
   */
  async accuracy(set: ImageSet): Promise<number> {
    const chunk = 500;
    const imageSize = set.rows * set.cols;
    const shifts = this.model.config.shiftAveraging;
    let correct = 0;
    for (let start = 0; start < set.count; start += chunk) {
      const count = Math.min(chunk, set.count - start);
      const images = set.pixels.subarray(start * imageSize, (start + count) * imageSize);
      const predicted = tf.tidy(() => {
        if (!shifts) return tf.argMax(this.logits(images, count), 1);
        const passes = this.logits(shiftedCopies(images, count, imageShapeOfSet(set)), count * SHIFT_PASSES);
        return tf.argMax(tf.sum(tf.reshape(passes, [count, SHIFT_PASSES, -1]), 1), 1);
      });
      const values = await predicted.data();
      predicted.dispose();
      for (let i = 0; i < count; i++) if (values[i] === set.labels[start + i]) correct++;
    }
    return set.count > 0 ? correct / set.count : 0;
  }

  dispose(): void {
    this.model.dispose();
  }
}
