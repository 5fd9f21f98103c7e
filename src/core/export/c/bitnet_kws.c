/*
 * bitnet_kws.c - the keyword front end and detector (API in bitnet_kws.h), the C twin of frontEnd.ts and
 * detector.ts step for step. Per 512-sample frame (32 ms; frames start every BITNET_KWS_HOP samples):
 *   window      x[n] = pcm[n]·hann[n], int16 × Q15 < 2^30;
 *   block shift r so that |x >> r| < 2^13 (an exponent per frame, added back in the log);
 *   FFT         256-point complex FFT of z[n] = x[2n] + i·x[2n+1] in four radix-4 stages, each dividing its outputs
 *               by 4 (the butterflies whose twiddles are all 1 without products), so the data never exceed
 *               |z| < 2^13.5, Q15 products stay < 2^28.5 and a·2^15 plus three of them < 2^30.5 (int32);
 *   split       X'[k] = ((A + B) + W^k·(−i)(A − B)) / 4 with A = Z[k], B = conj Z[256 − k]: X' = X / 2^9, < 2^30.5
 *               before its shift;
 *   mel         P = |X'|² >> 2 (Σ P ≤ 2^23 by Parseval over the bins in range), 28 triangles with Q8 weights, band
 *               sums S < 2^31 in uint32;
 *   log         log2 S in Q10 (leading bit + 65-entry table, interpolated), code = round(10·(log2 S − 48 + 2r + 11))
 *               clamped to 0..255, S = 0 -> 0.
 * Right shifts of negative int32 values are arithmetic, as GCC, Clang and Arm's compilers define them.
 * 32-bit multiplies throughout; the detector's confidence takes one 64-bit product per class and one division per
 * window (every 250 ms), nothing per frame.
 */
#include <stdint.h>
#include <string.h>

#include "bitnet.h"
#include "bitnet_kws.h"
#include "bitnet_kws_config.h"

#define HALF (BITNET_KWS_WINDOW / 2)
#if BITNET_KWS_FIRST_BIN < 1 || BITNET_KWS_LAST_BIN >= HALF
#error "the mel range must leave out the FFT's DC and Nyquist bins"
#endif
#define RING_MASK (BITNET_KWS_WINDOW - 1)

static int32_t fft_re[HALF]; /* the FFT in place, 2 KB */
static int32_t fft_im[HALF];
static uint32_t band_sum[BITNET_KWS_BANDS + 2]; /* band b in slot b + 1; the end slots take the outer halves */

/* Streaming state. */
static int16_t ring[BITNET_KWS_WINDOW];   /* the last 512 samples, sample i at i & RING_MASK */
static uint32_t ring_total;               /* samples pushed, modulo 2^32 (only its low bits are used) */
static uint32_t until_frame = BITNET_KWS_WINDOW; /* samples until the next frame is complete */
static uint32_t until_window = BITNET_KWS_FRAMES; /* frames until the next window */
static uint8_t stream_features[BITNET_KWS_FEATURES]; /* the last 28 frames, [row][frame] */
static uint8_t clip_features[BITNET_KWS_FEATURES];   /* bitnet_kws_classify's, apart from the stream's */
static int32_t history[BITNET_KWS_AVERAGE_WINDOWS][BITNET_NUM_CLASSES];
static uint32_t history_next;
static uint32_t windows_seen;
static uint32_t cooldown;
static int last_confidence;

/* Bits needed for v: the leading one's position plus one (0 for 0); a binary search, no CLZ on a Cortex-M0+. */
static int32_t bit_length(uint32_t v)
{
    int32_t n = 0;
    if (v >= 0x10000u) { v >>= 16; n += 16; }
    if (v >= 0x100u) { v >>= 8; n += 8; }
    if (v >= 0x10u) { v >>= 4; n += 4; }
    if (v >= 0x4u) { v >>= 2; n += 2; }
    if (v >= 0x2u) { v >>= 1; n += 1; }
    return n + (int32_t)v;
}

/* log2(s) in Q10 for s > 0. */
static int32_t log2_q10(uint32_t s)
{
    const int32_t n = bit_length(s) - 1;
    const uint32_t m = s << (31 - n);
    const uint32_t i = (m >> 25) & 63u;
    const int32_t fraction = (int32_t)((m >> 9) & 0xFFFFu);
    const int32_t a = bitnet_kws_log2[i];
    return n * 1024 + a + (((bitnet_kws_log2[i + 1u] - a) * fraction + 32768) >> 16);
}

/* One frame -> one column of 28 codes, column[0] the highest band. Sample n of the frame is
   samples[(start + n) & mask]: a whole clip (mask all ones) or the stream's ring. */
static void frame_column(const int16_t *samples, uint32_t start, uint32_t mask, uint8_t column[BITNET_KWS_BANDS])
{
    uint32_t max_abs = 0;
    int32_t shift, q, step, b, k, n, offset;
    /* Window straight into the FFT's digit-reversed input order: z[n] = x[2n] + i·x[2n+1] at digit_reverse[n]. */
    for (n = 0; n < HALF; n++) {
        const uint32_t at = start + 2u * (uint32_t)n;
        const int32_t to = bitnet_kws_digit_reverse[n];
        const int32_t x0 = (int32_t)samples[at & mask] * bitnet_kws_window[2 * n];
        const int32_t x1 = (int32_t)samples[(at + 1u) & mask] * bitnet_kws_window[2 * n + 1];
        const uint32_t a0 = x0 < 0 ? (uint32_t)-x0 : (uint32_t)x0;
        const uint32_t a1 = x1 < 0 ? (uint32_t)-x1 : (uint32_t)x1;
        fft_re[to] = x0;
        fft_im[to] = x1;
        max_abs |= a0 | a1; /* the OR has the maximum's leading bit, all that the shift needs */
    }
    if (max_abs == 0u) {
        memset(column, 0, BITNET_KWS_BANDS);
        return;
    }
    shift = bit_length(max_abs) - BITNET_KWS_INPUT_BITS;
    if (shift > 0) {
        for (n = 0; n < HALF; n++) {
            fft_re[n] >>= shift;
            fft_im[n] >>= shift;
        }
    } else {
        shift = 0;
    }
    /* Radix-4 stages: sub-DFTs of q points at i, i + q, i + 2q, i + 3q become one of 4q points, y_m = (a +
       (-i)^m·W^j·b + (-1)^m·W^2j·c + i^m·W^3j·d) / 4, rounded once (>> 17 of the Q15 sums, < 2^30.5). */
    for (q = 1, step = HALF / 4; q < HALF; q *= 4, step >>= 2) {
        int32_t i, j;
        for (i = 0; i < HALF; i += 4 * q) { /* j = 0: twiddles of 1 exactly, no products: (... + 2) >> 2 */
            const int32_t i1 = i + q, i2 = i + 2 * q, i3 = i + 3 * q;
            const int32_t t0r = fft_re[i] + fft_re[i2] + 2;
            const int32_t t0i = fft_im[i] + fft_im[i2] + 2;
            const int32_t t1r = fft_re[i] - fft_re[i2] + 2;
            const int32_t t1i = fft_im[i] - fft_im[i2] + 2;
            const int32_t t2r = fft_re[i1] + fft_re[i3];
            const int32_t t2i = fft_im[i1] + fft_im[i3];
            const int32_t t3r = fft_re[i1] - fft_re[i3];
            const int32_t t3i = fft_im[i1] - fft_im[i3];
            fft_re[i] = (t0r + t2r) >> 2;
            fft_im[i] = (t0i + t2i) >> 2;
            fft_re[i1] = (t1r + t3i) >> 2;
            fft_im[i1] = (t1i - t3r) >> 2;
            fft_re[i2] = (t0r - t2r) >> 2;
            fft_im[i2] = (t0i - t2i) >> 2;
            fft_re[i3] = (t1r - t3i) >> 2;
            fft_im[i3] = (t1i + t3r) >> 2;
        }
        for (j = 1; j < q; j++) {
            const int32_t m = 2 * j * step; /* W256^(j·step·r) = W512^(r·m), r = 1, 2, 3: indices below 384 */
            const int32_t c1 = bitnet_kws_cos[m], s1 = bitnet_kws_sin[m];
            const int32_t c2 = bitnet_kws_cos[2 * m], s2 = bitnet_kws_sin[2 * m];
            const int32_t c3 = bitnet_kws_cos[3 * m], s3 = bitnet_kws_sin[3 * m];
            for (i = j; i < HALF; i += 4 * q) {
                const int32_t i1 = i + q, i2 = i + 2 * q, i3 = i + 3 * q;
                const int32_t br = fft_re[i1] * c1 + fft_im[i1] * s1;
                const int32_t bi = fft_im[i1] * c1 - fft_re[i1] * s1;
                const int32_t cr = fft_re[i2] * c2 + fft_im[i2] * s2;
                const int32_t ci = fft_im[i2] * c2 - fft_re[i2] * s2;
                const int32_t dr = fft_re[i3] * c3 + fft_im[i3] * s3;
                const int32_t di = fft_im[i3] * c3 - fft_re[i3] * s3;
                const int32_t ar = fft_re[i] * 32768 + 65536; /* a·2^15 and the rounding half of 2^17 */
                const int32_t ai = fft_im[i] * 32768 + 65536;
                const int32_t t0r = ar + cr, t0i = ai + ci;
                const int32_t t1r = ar - cr, t1i = ai - ci;
                const int32_t t2r = br + dr, t2i = bi + di;
                const int32_t t3r = br - dr, t3i = bi - di;
                fft_re[i] = (t0r + t2r) >> 17;
                fft_im[i] = (t0i + t2i) >> 17;
                fft_re[i1] = (t1r + t3i) >> 17; /* t1 - i·t3 */
                fft_im[i1] = (t1i - t3r) >> 17;
                fft_re[i2] = (t0r - t2r) >> 17;
                fft_im[i2] = (t0i - t2i) >> 17;
                fft_re[i3] = (t1r - t3i) >> 17; /* t1 + i·t3 */
                fft_im[i3] = (t1i + t3r) >> 17;
            }
        }
    }
    memset(band_sum, 0, sizeof band_sum);
    for (k = BITNET_KWS_FIRST_BIN; k <= BITNET_KWS_LAST_BIN; k++) {
        const int32_t ar = fft_re[k]; /* A = Z[k], B = conj Z[256 - k]: both inside the table for 0 < k < 256 */
        const int32_t ai = fft_im[k];
        const int32_t br = fft_re[HALF - k];
        const int32_t bi = -fft_im[HALF - k];
        const int32_t gr = ai - bi; /* -i·(A - B) */
        const int32_t gi = br - ar;
        const int32_t c = bitnet_kws_cos[k];
        const int32_t s = bitnet_kws_sin[k];
        const int32_t xr = ((ar + br) * 32768 + gr * c + gi * s + 65536) >> 17;
        const int32_t xi = ((ai + bi) * 32768 + gi * c - gr * s + 65536) >> 17;
        const uint32_t power = (uint32_t)(xr * xr + xi * xi) >> BITNET_KWS_POWER_SHIFT;
        const uint32_t w = bitnet_kws_bin_weight[k];
        const uint32_t j = bitnet_kws_bin_point[k];
        band_sum[j + 1u] += w * power;
        band_sum[j] += (256u - w) * power;
    }
    offset = (2 * shift + BITNET_KWS_LOG_BASE) * 1024;
    for (b = 0; b < BITNET_KWS_BANDS; b++) {
        const uint32_t sum = band_sum[b + 1];
        uint8_t code = 0;
        if (sum != 0u) {
            const int32_t v = BITNET_KWS_LOG_SCALE * (log2_q10(sum) + offset);
            code = v <= 0 ? 0u : v >= 255 * 1024 - 512 ? 255u : (uint8_t)((v + 512) >> 10);
        }
        column[BITNET_KWS_BANDS - 1 - b] = code;
    }
}

void bitnet_kws_features(const int16_t pcm[BITNET_KWS_CLIP_SAMPLES], uint8_t features[BITNET_KWS_FEATURES])
{
    uint8_t column[BITNET_KWS_BANDS];
    int32_t f, row;
    for (f = 0; f < BITNET_KWS_FRAMES; f++) {
        frame_column(pcm, (uint32_t)(f * BITNET_KWS_HOP), 0xFFFFFFFFu, column);
        for (row = 0; row < BITNET_KWS_BANDS; row++) {
            features[row * BITNET_KWS_FRAMES + f] = column[row];
        }
    }
}

int bitnet_kws_classify(const int16_t pcm[BITNET_KWS_CLIP_SAMPLES], int32_t scores[BITNET_NUM_CLASSES])
{
    bitnet_kws_features(pcm, clip_features);
    return bitnet_predict(clip_features, scores);
}

void bitnet_kws_reset(void)
{
    ring_total = 0u;
    until_frame = BITNET_KWS_WINDOW;
    until_window = BITNET_KWS_FRAMES;
    history_next = 0u;
    windows_seen = 0u;
    cooldown = 0u;
    last_confidence = 0;
    memset(stream_features, 0, sizeof stream_features);
}

int bitnet_kws_confidence(void)
{
    return last_confidence;
}

/* The top class's softmax probability in per mille from the summed scores: sum_j 2^(-e_j) in Q15, e_j in Q6. */
static int confidence_of(const int64_t sums[BITNET_NUM_CLASSES], int top)
{
    uint32_t total = 0u;
    int c;
    for (c = 0; c < BITNET_NUM_CLASSES; c++) {
        const uint64_t product = (uint64_t)(sums[top] - sums[c]) * BITNET_KWS_CONFIDENCE_MULTIPLIER;
        const uint64_t e = product >> BITNET_KWS_CONFIDENCE_SHIFT;
        if (e < BITNET_KWS_EXPONENT_LIMIT) {
            total += (uint32_t)bitnet_kws_exp2[e & 63u] >> (uint32_t)(e >> 6);
        }
    }
    return (int)((1000u * 32768u + total / 2u) / total);
}

/* One window's scores -> the detected class or -1 (detector.ts's KeywordDetector.push). */
static int detect(const int32_t scores[BITNET_NUM_CLASSES])
{
    int64_t sums[BITNET_NUM_CLASSES];
    int c, top = 0;
    uint32_t w;
    memcpy(history[history_next], scores, sizeof history[0]);
    history_next = history_next + 1u == BITNET_KWS_AVERAGE_WINDOWS ? 0u : history_next + 1u;
    if (windows_seen < BITNET_KWS_AVERAGE_WINDOWS) {
        windows_seen++;
    }
    if (cooldown > 0u) {
        cooldown--;
        return -1;
    }
    if (windows_seen < BITNET_KWS_AVERAGE_WINDOWS) {
        return -1;
    }
    for (c = 0; c < BITNET_NUM_CLASSES; c++) {
        sums[c] = 0;
        for (w = 0; w < BITNET_KWS_AVERAGE_WINDOWS; w++) {
            sums[c] += history[w][c];
        }
        if (sums[c] > sums[top]) {
            top = c;
        }
    }
    if (bitnet_class_names[top][0] == '_') {
        return -1; /* _silence_, _unknown_ */
    }
    c = confidence_of(sums, top);
    if (c < BITNET_KWS_THRESHOLD_PERMILLE) {
        return -1;
    }
    cooldown = BITNET_KWS_REFRACTORY_WINDOWS;
    last_confidence = c;
    return top;
}

int bitnet_kws_push(const int16_t *samples, int count)
{
    int detected = -1;
    int i;
    for (i = 0; i < count; i++) {
        uint8_t column[BITNET_KWS_BANDS];
        int32_t row;
        ring[ring_total & RING_MASK] = samples[i];
        ring_total++;
        if (--until_frame > 0u) {
            continue;
        }
        until_frame = BITNET_KWS_HOP;
        frame_column(ring, ring_total, RING_MASK, column); /* the oldest of the last 512 samples first */
        for (row = 0; row < BITNET_KWS_BANDS; row++) {
            uint8_t *line = stream_features + row * BITNET_KWS_FRAMES;
            memmove(line, line + 1, BITNET_KWS_FRAMES - 1);
            line[BITNET_KWS_FRAMES - 1] = column[row];
        }
        if (--until_window > 0u) {
            continue;
        }
        until_window = BITNET_KWS_STRIDE_FRAMES;
        {
            int32_t scores[BITNET_NUM_CLASSES];
            int found;
            bitnet_predict(stream_features, scores);
            found = detect(scores);
            if (found >= 0) {
                detected = found;
            }
        }
    }
    return detected;
}
