/**
 * The convolution conv layers train with: tf.conv2d forward, with a custom backward pass built from forward
 * convolutions, which every backend has and does fast, TensorFlow.js's WASM backend included:
 *   x (B, H, W, C) quantized input, w (k, k, C, N) effective weights, dy (B, H', W', N)
 *   dW = conv2d(pad(x)ᵀ, dyᵀ)         batch and channels swapped: one forward convolution with a k×k output
 *                                    (dy dilated by the stride)
 *   dx = conv2d(pad(dy), flip(w)ᵀ)   the "full" correlation with the kernel rotated 180° and its channels swapped
 * Forward convolutions are what the WASM backend does fast (XNNPACK); it has no Conv2DBackpropFilter kernel (tfjs
 * issue #8474), so tf.conv2d's own gradient does not train there at all, and its Conv2DBackpropInput is slower than
 * the forward form (docs/experiments.md, 2026-11-27). With stride > 1, dx is Conv2DBackpropInput
 * (tf.conv2dTranspose).
 */
import type { ConvGeometry } from '../core/model/layers';
import { customOp } from './quantizers';
import * as tf from './tf';

/** x (B, H, W, C), w (k, k, C, N) -> (B, H', W', N), with the geometry's stride and padding. */
export function trainableConv2d(x: tf.Tensor4D, w: tf.Tensor4D, geometry: ConvGeometry): tf.Tensor4D {
  const { kernel, stride, padding, input: inShape, output, padTop, padLeft } = geometry;
  const op = customOp(([input, filter], save) => {
    save([input!, filter!]);
    return {
      value: tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, stride, padding),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedInput, savedFilter] = saved as [tf.Tensor4D, tf.Tensor4D];
        // Rows and columns the forward pass reads past the input's end (negative: trailing ones it never reads).
        const padBottom = (output.height - 1) * stride + kernel - inShape.height - padTop;
        const padRight = (output.width - 1) * stride + kernel - inShape.width - padLeft;
        // dW[ky, kx, c, n] = Σ_b,y,x xp[b, y·s+ky, x·s+kx, c]·dy[b, y, x, n]: a 'valid' convolution of the padded
        // input with dy as the filter (dilated by the stride) once batch and channels trade places:
        // (C, Hp, Wp, B) ⊛ (H', W', B, N) -> (C, ≥k, ≥k, N), of which the first k × k are dW.
        const paddedInput = tf.pad(savedInput, [[0, 0], [padTop, Math.max(0, padBottom)], [padLeft, Math.max(0, padRight)], [0, 0]]);
        const correlation = tf.conv2d(
          tf.transpose(paddedInput, [3, 1, 2, 0]) as tf.Tensor4D,
          tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D,
          1,
          'valid',
          'NHWC',
          stride,
        );
        const dW = tf.transpose(tf.slice(correlation, [0, 0, 0, 0], [-1, kernel, kernel, -1]), [1, 2, 0, 3]);
        if (stride !== 1) return [tf.conv2dTranspose(dy as tf.Tensor4D, savedFilter, savedInput.shape, stride, padding), dW];
        // Stride 1: dx is the full correlation of dy with w rotated 180° and (C, N) swapped; the padding mirrors
        // the forward's.
        const rotated = tf.transpose(tf.reverse(savedFilter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const dyPadded = tf.pad(dy as tf.Tensor4D, [
          [0, 0],
          [kernel - 1 - padTop, kernel - 1 - padBottom],
          [kernel - 1 - padLeft, kernel - 1 - padRight],
          [0, 0],
        ]);
        return [tf.conv2d(dyPadded, rotated, 1, 'valid'), dW];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}
