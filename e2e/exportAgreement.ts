/**
 * Whether a run's exports agree on held-out images: its C export (built with cc) and its ONNX model (ONNX Runtime)
 * predict each image, and the page's own figure for its integer model is read from the C export's README.
 */
import * as ort from 'onnxruntime-node';
import type { ImageSet } from '../src/core/data/dataset';
import { imageValues } from '../src/core/data/dataset';
import { argmaxRows } from '../src/core/model/referenceModel';
import { buildHost, runHost, writeExport } from '../scripts/cToolchain';

export interface ExportAgreement {
  /** Where the C export was written and built (its example is host-build/bitnet_example there). */
  dir: string;
  /** Images on which C and ONNX Runtime predict the same class. */
  agree: number;
  /** Images the C program classifies right. */
  correct: number;
  /** The C program's accuracy in percent, two decimals, as the README writes it. */
  cPercent: string;
  /** The accuracy the page measured for its integer model, from the README ("the page measured **x %**"). */
  pagePercent: string | undefined;
}

/** cFiles: the C export's files by name; onnx: the ONNX export's bytes; set: (count, h, w, c) images with labels. */
export async function exportAgreement(cFiles: Record<string, string>, onnx: Uint8Array, set: ImageSet, classCount: number, prefix: string): Promise<ExportAgreement> {
  const imageBytes = imageValues(set);
  const dir = writeExport(cFiles, prefix);
  const binary = buildHost(dir);
  const fromC = runHost(binary, set.pixels, set.count, imageBytes).predictions;
  const session = await ort.InferenceSession.create(onnx);
  const output = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(set.pixels), [set.count, imageBytes]) });
  const fromOnnx = argmaxRows(output.logits!.data as Float32Array, set.count, classCount);
  let agree = 0;
  let correct = 0;
  for (let i = 0; i < set.count; i++) {
    if (fromC[i] === fromOnnx[i]) agree++;
    if (fromC[i] === set.labels[i]) correct++;
  }
  const pagePercent = /the page measured \*\*([\d.]+) %\*\*/.exec(cFiles['README.md'] ?? '')?.[1];
  return { dir, agree, correct, cPercent: ((100 * correct) / set.count).toFixed(2), pagePercent };
}
