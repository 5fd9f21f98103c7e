/**
 * The WGSL modules of the ternary network's kernels (./kernels, imported with Vite's `?raw`), each assembled from
 * its own source and the fragments it shares with others (./kernels/shared). What each kernel computes is in its
 * file's header; which layer runs which is kernelFor in dispatchShapes.ts.
 */
export { default as quantizeAbsmaxSource } from './kernels/quantize_absmax8.wgsl?raw';
export { default as quantizeSignSource } from './kernels/quantize_sign.wgsl?raw';
export { default as areaAverageSource } from './kernels/area_average16.wgsl?raw';
import addSubKernel from './kernels/ternary_addsub.wgsl?raw';
import binaryKernel from './kernels/ternary_binary.wgsl?raw';
import dot4Kernel from './kernels/ternary_dot4.wgsl?raw';
import convKernel from './kernels/ternary_conv.wgsl?raw';
import convDot4Kernel from './kernels/ternary_conv_dot4.wgsl?raw';
import intMatmulKernel from './kernels/int8_matmul.wgsl?raw';
import matrixDims from './kernels/shared/matrix_dims.wgsl?raw';
import convDims from './kernels/shared/conv_dims.wgsl?raw';
import ternaryIo from './kernels/shared/ternary_io.wgsl?raw';
import tritExpansion from './kernels/shared/trit_expansion.wgsl?raw';
import byteSums from './kernels/shared/byte_sums.wgsl?raw';
import sampleRows from './kernels/shared/sample_rows.wgsl?raw';

/**
 * A kernel's whole module: its own source, then the fragments it shares with others (./kernels/shared). Appended,
 * not prepended, because a `requires` directive must open the module; module-scope declarations may come in any
 * order in WGSL.
 */
const withShared = (kernel: string, ...fragments: string[]) => [kernel, ...fragments].join('\n');

/** Kernel 1: add/sub on packed2 words, f32 or 8-bit inputs. */
export const addSubSource = withShared(addSubKernel, matrixDims, ternaryIo, sampleRows);
/** Kernel 2: sign inputs as bit planes, countOneBits. */
export const binarySource = withShared(binaryKernel, matrixDims);
/** Kernel 3: 8-bit codes four to a word, dot4I8Packed or byte sums. */
export const dot4Source = withShared(dot4Kernel, matrixDims, ternaryIo, tritExpansion, byteSums);
/** Kernels 4 and 7: convolution on packed2 words, or on int8 code words (INT8_WEIGHTS). */
export const convSource = withShared(convKernel, convDims, ternaryIo);
/** Kernel 5: convolution on 8-bit codes four to a word. */
export const convDot4Source = withShared(convDot4Kernel, convDims, ternaryIo, tritExpansion, byteSums);
/** Kernel 6: dense layers of int4/int8 codes four to a word. */
export const intMatmulSource = withShared(intMatmulKernel, matrixDims, ternaryIo, sampleRows);
