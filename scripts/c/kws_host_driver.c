/*
 * kws_host_driver.c - a test driver for the C export's keyword part (not part of it; src/core/export/kws.test.ts
 * builds it beside the export's files). Reads 16 kHz int16 little-endian PCM on stdin.
 *   kws_host features   clips of 16000 samples -> 784 feature bytes each on stdout (bitnet_kws_features)
 *   kws_host classify   clips of 16000 samples -> one "class s0 … s(N-1)" line each (bitnet_kws_classify)
 *   kws_host stream     one stream, pushed in chunks of 1, 160, 37, 1024 and 5000 samples in turn -> one
 *                       "end class confidence" line per detection, end = samples pushed when it was returned
 */
#include <stdio.h>
#include <string.h>

#include "bitnet_kws.h"

static int16_t clip[BITNET_KWS_CLIP_SAMPLES];

static size_t read_samples(int16_t *out, size_t count)
{
    size_t i;
    for (i = 0; i < count; i++) {
        const int lo = getchar();
        const int hi = getchar();
        if (lo == EOF || hi == EOF) {
            break;
        }
        out[i] = (int16_t)(uint16_t)((unsigned)lo | ((unsigned)hi << 8));
    }
    return i;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "features") == 0 || strcmp(mode, "classify") == 0) {
        while (read_samples(clip, BITNET_KWS_CLIP_SAMPLES) == BITNET_KWS_CLIP_SAMPLES) {
            if (mode[0] == 'f') {
                uint8_t features[BITNET_KWS_FEATURES];
                bitnet_kws_features(clip, features);
                fwrite(features, 1, sizeof features, stdout);
            } else {
                int32_t scores[BITNET_NUM_CLASSES];
                int c;
                printf("%d", bitnet_kws_classify(clip, scores));
                for (c = 0; c < BITNET_NUM_CLASSES; c++) printf(" %ld", (long)scores[c]);
                printf("\n");
            }
        }
        return 0;
    }
    if (strcmp(mode, "stream") == 0) {
        static const size_t sizes[5] = {1, 160, 37, 1024, 5000};
        static int16_t chunk[5000];
        unsigned long end = 0;
        size_t turn = 0;
        size_t got;
        bitnet_kws_reset();
        while ((got = read_samples(chunk, sizes[turn % 5])) > 0) {
            const int detected = bitnet_kws_push(chunk, (int)got);
            end += got;
            turn++;
            if (detected >= 0) printf("%lu %d %d\n", end, detected, bitnet_kws_confidence());
        }
        return 0;
    }
    fprintf(stderr, "usage: kws_host features|classify|stream < pcm\n");
    return 2;
}
