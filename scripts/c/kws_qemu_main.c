/*
 * kws_qemu_main.c - the QEMU driver for the keyword front end (not part of the export): runs bitnet_kws_features on
 * the clips of the generated qemu_clips.h on an emulated Cortex-M3 (mps2-an385), reads SysTick around each call and
 * prints "features H ticks T" per clip (H the 32-bit FNV-1a hash of the 784 codes) over picolibc's semihosting,
 * after "calibration T" (scripts/kwsToolchain.ts turns ticks into instructions).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "qemu_systick.h"

#include "bitnet_kws.h"
#include "qemu_clips.h"

static uint8_t features[BITNET_KWS_FEATURES];

int main(void)
{
    int i, k;
    systick_start_and_calibrate(QEMU_CALIBRATION_LOOPS);
    for (i = 0; i < QEMU_CLIP_COUNT; i++) {
        uint32_t start, ticks, hash = 2166136261u;
        start = systick_restart();
        bitnet_kws_features(qemu_clips[i], features);
        ticks = systick_ticks_since(start);
        for (k = 0; k < BITNET_KWS_FEATURES; k++) hash = (hash ^ features[k]) * 16777619u;
        printf("features %lu ticks %lu\n", (unsigned long)hash, (unsigned long)ticks);
    }
    SYST_CSR = 0u;
    exit(0);
}
