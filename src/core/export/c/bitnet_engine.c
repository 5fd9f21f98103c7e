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
 * (ky, kx, c) order, taps outside read 0) and keeps the largest output of each pooling window; an 8-bit layer
 * requantises the whole pooled map with one max|Y|, in two passes so that no int32 map is stored: the first finds
 * max|Y|, the second computes the map again and writes its int8 codes (twice the arithmetic; an int32 map would
 * take four times the RAM of the codes). Only int8 codes are ever stored.
 * The derivation of thresholds and multipliers from batch norm and the ternary scales is in bitnet.h.
 * The same steps, in TypeScript, are integerForward in BitNet Playground's src/core/model/integerModel.ts.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bitnet.h"
#include "bitnet_model.h"

static int32_t accumulators[BITNET_MAX_UNITS];
static int8_t activations[2][BITNET_MAX_HIDDEN];
#if BITNET_HAS_CONV
static int32_t pooled[BITNET_MAX_UNITS]; /* one pool window's largest outputs (Y or signs), N of them */
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

#if BITNET_TRITS_PER_BYTE == 5
/* Base 3, five trits per byte: byte q ~ 256·v/243 with v = sum d_i·3^(4-i); digit d_i = ((q·3^i mod 256)·3) >> 8. */
#define BITNET_DIGIT(byte, power) ((int32_t)(((uint32_t)(uint8_t)((byte) * (power)) * 3u) >> 8) - 1)
static const uint8_t digit_multiplier[5] = {1u, 3u, 9u, 27u, 81u};

/* accumulators[j] += x·t_j for the n trits that start at digit `phase` of *p. */
static void add_row(const uint8_t *p, uint32_t phase, uint32_t n, int32_t x)
{
    int32_t *acc = accumulators;
    uint32_t j = 0;
    if (phase != 0u) {
        uint32_t byte = *p++;
        for (; phase < 5u && j < n; phase++, j++) {
            acc[j] += x * BITNET_DIGIT(byte, digit_multiplier[phase]);
        }
    }
    for (; j + 5u <= n; j += 5u) {
        uint32_t byte = *p++;
        acc[j] += x * BITNET_DIGIT(byte, 1u);
        acc[j + 1u] += x * BITNET_DIGIT(byte, 3u);
        acc[j + 2u] += x * BITNET_DIGIT(byte, 9u);
        acc[j + 3u] += x * BITNET_DIGIT(byte, 27u);
        acc[j + 4u] += x * BITNET_DIGIT(byte, 81u);
    }
    if (j < n) {
        uint32_t byte = *p;
        for (phase = 0; j < n; phase++, j++) {
            acc[j] += x * BITNET_DIGIT(byte, digit_multiplier[phase]);
        }
    }
}
#elif BITNET_TRITS_PER_BYTE == 4
/* Two bits per trit, four per byte, trit i in bits 2i..2i+1: 00 = 0, 01 = +1, 10 = -1. */
#define BITNET_CODE(byte, i) ((int32_t)(((byte) >> (2u * (i))) & 1u) - (int32_t)(((byte) >> (2u * (i) + 1u)) & 1u))

static void add_row(const uint8_t *p, uint32_t phase, uint32_t n, int32_t x)
{
    int32_t *acc = accumulators;
    uint32_t j = 0;
    if (phase != 0u) {
        uint32_t byte = *p++;
        for (; phase < 4u && j < n; phase++, j++) {
            acc[j] += x * BITNET_CODE(byte, phase);
        }
    }
    for (; j + 4u <= n; j += 4u) {
        uint32_t byte = *p++;
        if (byte == 0u) {
            continue;
        }
        acc[j] += x * BITNET_CODE(byte, 0u);
        acc[j + 1u] += x * BITNET_CODE(byte, 1u);
        acc[j + 2u] += x * BITNET_CODE(byte, 2u);
        acc[j + 3u] += x * BITNET_CODE(byte, 3u);
    }
    if (j < n) {
        uint32_t byte = *p;
        for (phase = 0; j < n; phase++, j++) {
            acc[j] += x * BITNET_CODE(byte, phase);
        }
    }
}
#else
#error "BITNET_TRITS_PER_BYTE must be 4 or 5"
#endif

#if BITNET_HAS_INT8
/* int8 layers: one two's complement code per byte. */
static void add_row_int8(const uint8_t *p, uint32_t n, int32_t x)
{
    const int8_t *codes = (const int8_t *)p;
    uint32_t j;
    for (j = 0; j < n; j++) {
        accumulators[j] += x * codes[j];
    }
}
#endif

#if BITNET_HAS_INT4
/* int4 layers: two codes per byte, the first in the low nibble; a nibble holds n (-8..7, two's complement) of the
 * odd code 2n + 1, so x·c = 2x·n + x. */
static void add_row_int4(const uint8_t *p, uint32_t phase, uint32_t n, int32_t x)
{
    const int32_t twice = 2 * x;
    uint32_t j;
    for (j = 0; j < n; j++) {
        const int32_t nibble = (int32_t)((*p >> (4u * phase)) & 15u);
        accumulators[j] += twice * (nibble - ((nibble & 8) << 1)) + x;
        if (++phase == 2u) {
            phase = 0;
            p++;
        }
    }
}
#endif

#if BITNET_HAS_INT4 || BITNET_HAS_INT8
/* A row of the layer's weight stream, by its format; rows advance by the layer's values per byte. */
static void add_layer_row(const bitnet_layer *layer, const uint8_t *p, uint32_t phase, uint32_t n, int32_t x)
{
#if BITNET_HAS_INT8
    if (layer->format == BITNET_FORMAT_INT8) {
        add_row_int8(p, n, x);
        return;
    }
#endif
#if BITNET_HAS_INT4
    if (layer->format == BITNET_FORMAT_INT4) {
        add_row_int4(p, phase, n, x);
        return;
    }
#endif
    add_row(p, phase, n, x);
}
#define BITNET_VALUES_PER_BYTE(layer) ((uint32_t)(layer)->values_per_byte)
#else
/* Every layer ternary: one decoder, one packing. */
#define add_layer_row(layer, p, phase, n, x) add_row((p), (phase), (n), (x))
#define BITNET_VALUES_PER_BYTE(layer) BITNET_TRITS_PER_BYTE
#endif

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

#if BITNET_HAS_CONV
/* accumulators (N) of a conv layer at output position (oy, ox): codes, or the image's codes when codes is NULL. */
static void conv_position(const bitnet_layer *layer, const int8_t *codes, const uint8_t *image, int32_t max_pixel, uint32_t oy, uint32_t ox)
{
    const uint32_t n = layer->output_size;
    const uint8_t *p = layer->weights;
    uint32_t phase = 0;
    uint32_t ky;
    uint32_t kx;
    uint32_t c;
    memset(accumulators, 0, n * sizeof accumulators[0]);
    for (ky = 0; ky < layer->kernel; ky++) {
        const int32_t iy = (int32_t)(oy * layer->stride + ky) - (int32_t)layer->pad_top;
        for (kx = 0; kx < layer->kernel; kx++) {
            const int32_t ix = (int32_t)(ox * layer->stride + kx) - (int32_t)layer->pad_left;
            const int inside = iy >= 0 && iy < (int32_t)layer->in_height && ix >= 0 && ix < (int32_t)layer->in_width;
            const uint32_t base = inside ? ((uint32_t)iy * layer->in_width + (uint32_t)ix) * layer->in_channels : 0u;
            for (c = 0; c < layer->in_channels; c++) {
                if (inside) {
                    int32_t x;
                    if (codes != NULL) {
                        x = codes[base + c];
                    } else {
                        x = image[base + c] == 0u ? 0 : div_round_half_even(127 * (int32_t)image[base + c], max_pixel);
                    }
                    if (x != 0) {
                        add_layer_row(layer, p, phase, n, x);
                    }
                }
                p += layer->row_bytes;
                phase += layer->row_phase;
                if (phase >= BITNET_VALUES_PER_BYTE(layer)) {
                    phase -= BITNET_VALUES_PER_BYTE(layer);
                    p++;
                }
            }
        }
    }
}

/*
 * One pass over a conv layer's pooled map (pooled_height, pooled_width, N): each pool window's largest outputs,
 * clamped as requantize clamps them. gamma == NULL: writes out = round(127·Y / max|Y|) with max|Y| = *known_gamma
 * (or the signs themselves before a sign epilogue); else only finds max|Y| into *gamma.
 */
static void conv_pass(const bitnet_layer *layer, const int8_t *codes, const uint8_t *image, int32_t max_pixel, int32_t scale, int32_t exponent,
                      int8_t *out, int32_t *gamma, int32_t known_gamma)
{
    const uint32_t n = layer->output_size;
    const uint32_t window = layer->pool != 0u ? layer->pool : 1u;
    uint32_t py;
    uint32_t px;
    uint32_t dy;
    uint32_t dx;
    uint32_t j;
    for (py = 0; py < layer->pooled_height; py++) {
        for (px = 0; px < layer->pooled_width; px++) {
            int8_t *target = &out[((uint32_t)py * layer->pooled_width + px) * n];
            for (dy = 0; dy < window; dy++) {
                for (dx = 0; dx < window; dx++) {
                    conv_position(layer, codes, image, max_pixel, py * window + dy, px * window + dx);
                    for (j = 0; j < n; j++) {
                        const int32_t y = unit_output(layer, j, accumulators[j], scale, exponent);
                        if ((dy == 0u && dx == 0u) || y > pooled[j]) {
                            pooled[j] = y;
                        }
                    }
                }
            }
            for (j = 0; j < n; j++) {
                int32_t y = pooled[j];
                if (layer->epilogue == BITNET_EPILOGUE_SIGN) {
                    target[j] = (int8_t)y;
                    continue;
                }
                if (y > BITNET_REQUANTIZE_CLAMP) {
                    y = BITNET_REQUANTIZE_CLAMP;
                } else if (y < -BITNET_REQUANTIZE_CLAMP) {
                    y = -BITNET_REQUANTIZE_CLAMP;
                }
                if (gamma != NULL) {
                    if ((y < 0 ? -y : y) > *gamma) {
                        *gamma = y < 0 ? -y : y;
                    }
                } else {
                    target[j] = (int8_t)(known_gamma == 0 ? 0 : div_round_half_even(127 * y, known_gamma));
                }
            }
        }
    }
}
#endif

#if BITNET_AREA_AVERAGE_16
/*
 * The 16×16 area average of the 28×28 image (core/model/inputResolution.ts): along each axis reduced pixel o covers
 * quarter pixels [7o, 7o + 7) and image pixel i covers [4i, 4i + 4); out = (Σ w_y·w_x·p + 24) / 49, rounded down,
 * the division done as (x · 21400) >> 20, exact for every x up to 255·49 + 24 (no divide instruction on a M0+).
 * area_taps[o] = {first image pixel, its overlap and the next ones' in quarter pixels, 0 after the last}: AREA_TAPS there.
 * (dx, dy) moves the image first (core/model/shiftAveraging.ts): pixel (y, x) is read from (y - dy, x - dx), 0 outside;
 * (0, 0) without shift averaging.
 */
static uint8_t reduced_image[BITNET_MODEL_INPUT_SIZE];

/* Whether an image row or column read by a moved pass lies inside the image; always, when nothing moves. */
#if BITNET_SHIFT_AVERAGING
#define BITNET_INSIDE_IMAGE(v) ((v) < 28u)
#else
#define BITNET_INSIDE_IMAGE(v) 1
#endif

static const uint8_t area_taps[16][4] = {
    {0, 4, 3, 0},
    {1, 1, 4, 2},
    {3, 2, 4, 1},
    {5, 3, 4, 0},
    {7, 4, 3, 0},
    {8, 1, 4, 2},
    {10, 2, 4, 1},
    {12, 3, 4, 0},
    {14, 4, 3, 0},
    {15, 1, 4, 2},
    {17, 2, 4, 1},
    {19, 3, 4, 0},
    {21, 4, 3, 0},
    {22, 1, 4, 2},
    {24, 2, 4, 1},
    {26, 3, 4, 0},
};

static void area_average_16(const uint8_t *image, int32_t dx, int32_t dy, uint8_t *out)
{
    uint32_t oy, ox, i, j;
    for (oy = 0; oy < 16u; oy++) {
        const uint8_t *rows = area_taps[oy];
        for (ox = 0; ox < 16u; ox++) {
            const uint8_t *columns = area_taps[ox];
            uint32_t sum = 24u;
            for (i = 1; i < 4u && rows[i] != 0u; i++) {
                const uint32_t y = (uint32_t)((int32_t)(rows[0] + i - 1u) - dy);
                uint32_t row_sum = 0;
                if (!BITNET_INSIDE_IMAGE(y)) {
                    continue; /* moved in from outside the image: 0 */
                }
                for (j = 1; j < 4u && columns[j] != 0u; j++) {
                    const uint32_t x = (uint32_t)((int32_t)(columns[0] + j - 1u) - dx);
                    if (BITNET_INSIDE_IMAGE(x)) {
                        row_sum += columns[j] * (uint32_t)image[y * 28u + x];
                    }
                }
                sum += rows[i] * row_sum;
            }
            out[oy * 16u + ox] = (uint8_t)((sum * 21400u) >> 20);
        }
    }
}
#endif

#if BITNET_SHIFT_AVERAGING
/*
 * Shift averaging (core/model/shiftAveraging.ts): bitnet_predict sums the scores of five passes, the image moved by each
 * (dx, dy) below; pixel (y, x) of a moved image is image(y - dy, x - dx), 0 outside. Scores of one pass stay below
 * 2^26 (the output layer's fixed point is chosen so), so the sum of five fits an int32.
 */
static const int8_t shift_offsets[5][2] = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}};
static int32_t pass_scores[BITNET_NUM_CLASSES];
#if !BITNET_AREA_AVERAGE_16
static uint8_t shifted_image[BITNET_INPUT_SIZE]; /* a 16×16 input moves inside area_average_16 instead */

static void shift_image(const uint8_t *image, int32_t dx, int32_t dy, uint8_t *out)
{
    uint32_t y, x;
    for (y = 0; y < 28u; y++) {
        for (x = 0; x < 28u; x++) {
            const uint32_t from_y = (uint32_t)((int32_t)y - dy);
            const uint32_t from_x = (uint32_t)((int32_t)x - dx);
            out[y * 28u + x] = from_y < 28u && from_x < 28u ? image[from_y * 28u + from_x] : 0u;
        }
    }
}
#endif
#endif

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

    for (l = 0; l < BITNET_NUM_LAYERS; l++) {
        const bitnet_layer *layer = &bitnet_layers[l];
        const uint32_t n = layer->output_size;
        const uint8_t *p = layer->weights;
        uint32_t phase = 0;

#if BITNET_HAS_CONV
        if (layer->kernel != 0u) {
            int8_t *out = activations[out_buffer];
            if (layer->epilogue == BITNET_EPILOGUE_SIGN) {
                conv_pass(layer, codes, image, max_pixel, scale, exponent, out, NULL, 0);
                scale = 1;
                exponent = 0;
            } else {
                int32_t gamma = 0;
                conv_pass(layer, codes, image, max_pixel, scale, exponent, out, &gamma, 0);
                conv_pass(layer, codes, image, max_pixel, scale, exponent, out, NULL, gamma);
                set_scale(gamma, &scale, &exponent);
            }
            codes = out;
            out_buffer ^= 1;
            continue;
        }
#endif

        memset(accumulators, 0, n * sizeof accumulators[0]);
        for (k = 0; k < layer->input_size; k++) {
            int32_t x;
            if (codes != NULL) {
                x = codes[k];
            } else {
                x = image[k] == 0u ? 0 : div_round_half_even(127 * (int32_t)image[k], max_pixel);
            }
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
            int8_t *out = activations[out_buffer];
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
            int8_t *out = activations[out_buffer];
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
