/*
 * qemu_main.c - the QEMU driver for the C export (not part of it): runs bitnet_predict on the images of the
 * generated qemu_images.h on an emulated Cortex-M3 (mps2-an385), reads SysTick around each call and prints
 * "class s0 … s9 ticks T" per image over picolibc's semihosting, after "calibration T" for a loop of
 * QEMU_CALIBRATION_LOOPS iterations of two instructions (scripts/cToolchain.ts turns ticks into instructions).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "qemu_systick.h"

#include "bitnet.h"
#include "qemu_images.h"

int main(void)
{
    int i;
    systick_start_and_calibrate(QEMU_CALIBRATION_LOOPS);
    for (i = 0; i < QEMU_IMAGE_COUNT; i++) {
        int32_t scores[BITNET_NUM_CLASSES];
        uint32_t start, ticks;
        int c, predicted;
        start = systick_restart();
        predicted = bitnet_predict(qemu_images[i], scores);
        ticks = systick_ticks_since(start);
        printf("%d", predicted);
        for (c = 0; c < BITNET_NUM_CLASSES; c++) printf(" %ld", (long)scores[c]);
        printf(" ticks %lu\n", (unsigned long)ticks);
    }
    SYST_CSR = 0u;
    exit(0); /* picolibc's semihosting exit ends QEMU; returning from main leaves it running */
}
