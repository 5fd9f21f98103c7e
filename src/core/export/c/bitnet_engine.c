/*
 * bitnet_engine.c - the integer inference engine: walks the layer table in bitnet_model.c.
 *
 * Per layer (K inputs, N units), with integer input codes q (K) and their per-sample scale s·2^e:
 *   acc_j = sum_k c_kj·q_k                          weight codes decoded from the layer's stream (trits, or
 *                                                   int4/int8 codes where BITNET_HAS_INT4/8), zero inputs skipped
 *   before a sign:      out_j = +1 if acc_j·s >= threshold_j (direction +1) or <= threshold_j (direction -1), else -1
 *   before 8-bit codes: Y_j = round(acc_j·s·m_j / 2^(k_j - e)) + B_j, ReLU if set,
 *                       q'_j = round(127·Y_j / max|Y|) (ties to even), s'·2^e' = max|Y| with s' < 2^14
 *   class scores:       Y_j as above
 * A conv layer (BITNET_HAS_CONV) runs the same per output position over the taps inside its input map (rows in
 * (ky, kx, c) order, taps outside read 0) and keeps the largest output of each pooling window, found from the
 * window's largest (or smallest) accumulator since every output is monotone in its accumulator; an 8-bit layer
 * requantises the whole pooled map with one max|Y|. Where its accumulators fit int16 (layer->one_pass) the pooled
 * accumulators are kept as int16 in the output buffer until max|Y| is known; otherwise it takes two passes so that
 * no int32 map is stored: the first finds max|Y|, the second computes the map again and writes its int8 codes. The
 * first conv layer's input codes are computed once per pixel into the buffer that layer does not write.
 * The derivation of thresholds and multipliers from batch norm and the ternary scales is in bitnet.h.
 * The same steps, in TypeScript, are integerForward in BitNet Playground's src/core/model/integerModel.ts.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bitnet.h"
#include "bitnet_model.h"

static int32_t accumulators[BITNET_MAX_UNITS];
/*
 * The two activation buffers, one after the other: layer i writes its int8 codes to buffer i mod 2 (buffer 0 from
 * word 0, buffer 1 from word BITNET_BUFFER0_WORDS) and reads the other. A conv layer also keeps int16 pooled
 * accumulators or int32 extremes in the buffer it writes, always read and written through these members.
 */
#define BITNET_ACTIVATION_WORDS (BITNET_BUFFER0_WORDS + BITNET_BUFFER1_WORDS)
static union {
    int32_t words[BITNET_ACTIVATION_WORDS];
    int16_t halves[2u * BITNET_ACTIVATION_WORDS];
    int8_t codes[4u * BITNET_ACTIVATION_WORDS];
} activations;
#define BITNET_BUFFER_START(buffer) ((buffer) == 0 ? 0u : (uint32_t)BITNET_BUFFER0_WORDS) /* its first word */
#if BITNET_HAS_CONV
static int32_t pooled[BITNET_MAX_UNITS]; /* one pool window's accumulators that give the largest outputs, N of them */
#endif

/* round(n / d) with ties to even; d > 0. Used once per non-zero input and per requantised unit, never per trit. */
static int32_t div_round_half_even(int32_t n, int32_t d)
{
    uint32_t magnitude = n < 0 ? 0u - (uint32_t)n : (uint32_t)n;
    uint32_t q = magnitude / (uint32_t)d;
    uint32_t r = magnitude - q * (uint32_t)d;
    if (2u * r > (uint32_t)d || (2u * r == (uint32_t)d && (q & 1u) != 0u)) {
        q++;
    }
    return n < 0 ? -(int32_t)q : (int32_t)q;
}

/* x / 2^shift rounded half away from zero (x·2^-shift when shift <= 0), plus add, saturated to int32. */
static int32_t round_shift_add(int64_t x, int32_t shift, int32_t add)
{
    int64_t y;
    if (shift <= 0) {
        if (shift < -30) {
            shift = -30;
        }
        y = x * ((int64_t)1 << -shift);
    } else if (shift > 62) {
        y = 0;
    } else {
        uint64_t magnitude = x < 0 ? 0u - (uint64_t)x : (uint64_t)x;
        magnitude = (magnitude + ((uint64_t)1 << (shift - 1))) >> shift;
        y = x < 0 ? -(int64_t)magnitude : (int64_t)magnitude;
    }
    y += add;
    if (y > INT32_MAX) {
        return INT32_MAX;
    }
    if (y < INT32_MIN) {
        return INT32_MIN;
    }
    return (int32_t)y;
}

#include "bitnet_engine_decode.inc"

/* The unit's output from its accumulator: +1/-1 before a sign, else Y_j (ReLU applied). */
static int32_t unit_output(const bitnet_layer *layer, uint32_t j, int32_t acc, int32_t scale, int32_t exponent)
{
    if (layer->epilogue == BITNET_EPILOGUE_SIGN) {
        const int32_t v = acc * scale;
        const int32_t t = layer->threshold[j];
        return (layer->direction[j] > 0 ? v >= t : v <= t) ? 1 : -1;
    } else {
        const int64_t product = (int64_t)acc * scale * layer->multiplier[j];
        int32_t y = round_shift_add(product, (int32_t)layer->shift[j] - exponent, layer->bias[j]);
        if (layer->relu != 0u && y < 0) {
            y = 0;
        }
        return y;
    }
}

/* The per-sample scale s·2^e = max|Y| = gamma of 8-bit codes, with s below BITNET_SCALE_MANTISSA_LIMIT. */
static void set_scale(int32_t gamma, int32_t *scale, int32_t *exponent)
{
    *exponent = 0;
    while ((gamma >> *exponent) >= BITNET_SCALE_MANTISSA_LIMIT) {
        (*exponent)++;
    }
    *scale = *exponent == 0 ? gamma : (gamma + ((int32_t)1 << (*exponent - 1))) >> *exponent;
}

/* values (count) -> 8-bit codes round(127·Y / max|Y|) in out, and the new per-sample scale s·2^e = max|Y|. */
static void requantize(int32_t *values, uint32_t count, int8_t *out, int32_t *scale, int32_t *exponent)
{
    int32_t gamma = 0;
    uint32_t j;
    for (j = 0; j < count; j++) {
        int32_t y = values[j];
        if (y > BITNET_REQUANTIZE_CLAMP) {
            y = BITNET_REQUANTIZE_CLAMP;
        } else if (y < -BITNET_REQUANTIZE_CLAMP) {
            y = -BITNET_REQUANTIZE_CLAMP;
        }
        values[j] = y;
        if ((y < 0 ? -y : y) > gamma) {
            gamma = y < 0 ? -y : y;
        }
    }
    for (j = 0; j < count; j++) {
        out[j] = (int8_t)(gamma == 0 ? 0 : div_round_half_even(127 * values[j], gamma));
    }
    set_scale(gamma, scale, exponent);
}

#include "bitnet_engine_conv.inc"

#include "bitnet_engine_input.inc"

/* One forward pass of the image moved by (dx, dy) (0, 0 without shift averaging); returns the argmax of scores. */
static int predict_pass(const uint8_t *image, int32_t dx, int32_t dy, int32_t scores[BITNET_NUM_CLASSES])
{
    const int8_t *codes = NULL; /* this layer's input codes; NULL: the image itself */
    int32_t max_pixel = 0;
    int32_t scale = 0;    /* per-sample input scale s */
    int32_t exponent = 0; /* and its power of two e */
    int out_buffer = 0;
    uint32_t l;
    uint32_t k;
    uint32_t j;

#if BITNET_AREA_AVERAGE_16
    area_average_16(image, dx, dy, reduced_image);
    image = reduced_image; /* from here on the model's input: 16×16 pixels */
#elif BITNET_SHIFT_AVERAGING
    shift_image(image, dx, dy, shifted_image);
    image = shifted_image;
#else
    (void)dx;
    (void)dy;
#endif
    for (k = 0; k < BITNET_MODEL_INPUT_SIZE; k++) {
        if (image[k] > max_pixel) {
            max_pixel = image[k];
        }
    }
    scale = max_pixel;
#if BITNET_HAS_CONV
    codes = image_codes(image, max_pixel); /* a CNN's first layer is a conv layer */
#endif

    for (l = 0; l < BITNET_NUM_LAYERS; l++) {
        const bitnet_layer *layer = &bitnet_layers[l];
        const uint32_t n = layer->output_size;
        const uint8_t *p = layer->weights;
        uint32_t phase = 0;

#if BITNET_HAS_CONV
        if (layer->kernel != 0u) {
            const uint32_t out = BITNET_BUFFER_START(out_buffer);
            const int32_t gamma = conv_layer(layer, codes, scale, exponent, out);
            if (layer->epilogue == BITNET_EPILOGUE_SIGN) {
                scale = 1;
                exponent = 0;
            } else {
                set_scale(gamma, &scale, &exponent);
            }
            codes = &activations.codes[4u * out];
            out_buffer ^= 1;
            continue;
        }
#endif

        memset(accumulators, 0, n * sizeof accumulators[0]);
        for (k = 0; k < layer->input_size; k++) {
#if BITNET_HAS_CONV
            const int32_t x = codes[k];
#else
            const int32_t x = codes != NULL ? codes[k] : image[k] == 0u ? 0 : div_round_half_even(127 * (int32_t)image[k], max_pixel);
#endif
            if (x != 0) {
                add_layer_row(layer, p, phase, n, x);
            }
            /* next row: row_bytes whole bytes and row_phase more values on, without dividing */
            p += layer->row_bytes;
            phase += layer->row_phase;
            if (phase >= BITNET_VALUES_PER_BYTE(layer)) {
                phase -= BITNET_VALUES_PER_BYTE(layer);
                p++;
            }
        }

        if (layer->epilogue == BITNET_EPILOGUE_SIGN) {
            int8_t *out = &activations.codes[4u * BITNET_BUFFER_START(out_buffer)];
            for (j = 0; j < n; j++) {
                out[j] = (int8_t)unit_output(layer, j, accumulators[j], scale, exponent);
            }
            codes = out;
            out_buffer ^= 1;
            scale = 1;
            exponent = 0;
            continue;
        }

        for (j = 0; j < n; j++) {
            accumulators[j] = unit_output(layer, j, accumulators[j], scale, exponent);
        }

        if (layer->epilogue == BITNET_EPILOGUE_SCORES) {
            int best = 0;
            for (j = 0; j < BITNET_NUM_CLASSES; j++) {
                scores[j] = accumulators[j];
                if (accumulators[j] > accumulators[best]) {
                    best = (int)j;
                }
            }
            return best;
        } else {
            int8_t *out = &activations.codes[4u * BITNET_BUFFER_START(out_buffer)];
            requantize(accumulators, n, out, &scale, &exponent);
            codes = out;
            out_buffer ^= 1;
        }
    }
    return 0; /* not reached: the last layer returns the scores */
}

int bitnet_predict(const uint8_t image[BITNET_INPUT_SIZE], int32_t scores[BITNET_NUM_CLASSES])
{
#if BITNET_SHIFT_AVERAGING
    uint32_t pass, j;
    int best = 0;
    memset(scores, 0, BITNET_NUM_CLASSES * sizeof scores[0]);
    for (pass = 0; pass < 5u; pass++) {
        predict_pass(image, shift_offsets[pass][0], shift_offsets[pass][1], pass_scores);
        for (j = 0; j < BITNET_NUM_CLASSES; j++) {
            scores[j] += pass_scores[j];
        }
    }
    for (j = 1; j < BITNET_NUM_CLASSES; j++) {
        if (scores[j] > scores[best]) {
            best = (int)j;
        }
    }
    return best;
#else
    return predict_pass(image, 0, 0, scores);
#endif
}
