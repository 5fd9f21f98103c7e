/*
 * host_driver.c - a test driver for the C export (not part of it; scripts/cToolchain.ts builds it beside the
 * export's files): images on stdin, BITNET_INPUT_SIZE bytes each (784 for MNIST), and one "class s0 … s(N-1)"
 * line per image on stdout (N = BITNET_NUM_CLASSES).
 */
#include <stdio.h>

#include "bitnet.h"

int main(void)
{
    uint8_t image[BITNET_INPUT_SIZE];
    int32_t scores[BITNET_NUM_CLASSES];
    while (fread(image, 1, sizeof image, stdin) == sizeof image) {
        int c;
        printf("%d", bitnet_predict(image, scores));
        for (c = 0; c < BITNET_NUM_CLASSES; c++) printf(" %ld", (long)scores[c]);
        printf("\n");
    }
    return 0;
}
