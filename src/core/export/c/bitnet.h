#ifndef BITNET_H
#define BITNET_H
/*
 * bitnet.h - integer-only inference of a ternary network exported by BitNet Playground.
 *
 * Weights are trits in {-1, 0, +1} (or, in layers trained so, int4 or int8 codes), stored packed in const arrays
 * (flash); activations are 8-bit integer codes or signs; there is no float, no division in the weight decoders,
 * no malloc. Scratch buffers are static.
 * bitnet_model.h gives the model's shape; README.md its sizes and accuracy.
 *
 * How the float network became integers. Each layer computed, per unit j, with trits t, integer input codes q
 * and a per-sample input scale S > 0 (max pixel / (255·127) for the image, 1 for signs, max|y| / 127 for 8-bit
 * codes), its ternary scale a, bias b and batch norm (gamma, beta, mean mu, variance var):
 *     y_j = g_j·(a·S·acc_j + b_j - mu_j) + beta_j,   acc_j = sum_k t_kj·q_k,   g_j = gamma_j / sqrt(var_j + eps)
 *         = scale_j·S·acc_j + bias_j                 scale_j = a·g_j,  bias_j = g_j·(b_j - mu_j) + beta_j
 * With S = s·c (s a per-sample integer, c a per-layer constant) and r_j = scale_j·c:
 *   - before a sign activation, y_j >= 0  <=>  r_j·(acc_j·s) >= -bias_j, and since acc_j·s is an integer:
 *       r_j > 0: acc_j·s >= ceil(-bias_j / r_j);   r_j < 0: acc_j·s <= floor(-bias_j / r_j);   r_j = 0: bias_j >= 0
 *     one int32 threshold and a direction per unit (a negative gamma flips the direction, a zero variance only
 *     makes g_j large, a ReLU before the sign makes every output +1);
 *   - before 8-bit requantisation and for the scores, fixed point Y_j = y_j·2^F with a Q20 multiplier m_j and a
 *     shift k_j (m_j·2^-k_j = r_j·2^F) and B_j = round(bias_j·2^F):  Y_j = round(acc_j·s·m_j·2^-k_j) + B_j.
 *     The next layer's codes are round(127·Y_j / max|Y|): 2^F cancels and max|Y| carries the scale on.
 */
#include <stdint.h>

/*
 * The image bitnet_predict takes: BITNET_INPUT_HEIGHT rows of BITNET_INPUT_WIDTH pixels, each of
 * BITNET_INPUT_CHANNELS values (1: grey; 3: R, G, B next to each other), row-major with the channel fastest:
 * value (y, x, c) at index (y·BITNET_INPUT_WIDTH + x)·BITNET_INPUT_CHANNELS + c. 0 = background … 255 = ink, as the
 * run's conversion made its images (README.md says which); MNIST's 28×28 grey images as they are.
 */
#define BITNET_INPUT_HEIGHT 28
#define BITNET_INPUT_WIDTH 28
#define BITNET_INPUT_CHANNELS 1
#define BITNET_INPUT_SIZE 784     /* BITNET_INPUT_HEIGHT · BITNET_INPUT_WIDTH · BITNET_INPUT_CHANNELS values */
#define BITNET_NUM_CLASSES 10     /* the classes of the data set the model was trained on */

#ifdef __cplusplus
extern "C" {
#endif

int bitnet_predict(const uint8_t image[BITNET_INPUT_SIZE], int32_t scores[BITNET_NUM_CLASSES]);
/* returns the predicted class; scores are integer class scores whose argmax is the returned class */

extern const char *const bitnet_class_names[BITNET_NUM_CLASSES];
/* class i's name (UTF-8), in the order of scores: bitnet_class_names[bitnet_predict(image, scores)] */

#ifdef __cplusplus
}
#endif

#endif /* BITNET_H */
