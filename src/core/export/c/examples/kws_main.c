/*
 * examples/kws_main.c - runs the keyword front end and network (bitnet_kws_classify) on the test clips of
 * test_clips.h, prints each clip's scores and checks them against those the playground computed; then streams the
 * clips one after the other through bitnet_kws_push and prints what the detector finds. From the folder above:
 *   cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I. *.c examples/kws_main.c -o bitnet_kws_demo && ./bitnet_kws_demo
 */
#include <stdio.h>

#include "bitnet_kws.h"
#include "test_clips.h"

int main(void)
{
    int failures = 0;
    int i, c;
    for (i = 0; i < TEST_CLIP_COUNT; i++) {
        int32_t scores[BITNET_NUM_CLASSES];
        int same = 1;
        const int predicted = bitnet_kws_classify(test_clips[i], scores);
        printf("clip %d: label \"%s\", predicted \"%s\", scores", i, bitnet_class_names[test_clip_labels[i]], bitnet_class_names[predicted]);
        for (c = 0; c < BITNET_NUM_CLASSES; c++) {
            printf(" %ld", (long)scores[c]);
            if (scores[c] != expected_clip_scores[i][c]) {
                same = 0;
            }
        }
        printf(" %s\n", same ? "(as expected)" : "(DIFFER)");
        if (!same) {
            failures++;
        }
    }
    bitnet_kws_reset();
    for (i = 0; i < TEST_CLIP_COUNT; i++) {
        int at;
        for (at = 0; at < BITNET_KWS_CLIP_SAMPLES; at += 160) { /* 10 ms at a time, as a microphone driver delivers */
            const int detected = bitnet_kws_push(test_clips[i] + at, 160);
            if (detected >= 0) {
                printf("stream: \"%s\" detected (%d per mille) %d ms into clip %d\n", bitnet_class_names[detected], bitnet_kws_confidence(), (at + 160) / 16, i);
            }
        }
    }
    printf("%d of %d clips as expected\n", TEST_CLIP_COUNT - failures, TEST_CLIP_COUNT);
    return failures == 0 ? 0 : 1;
}
