/*
 * kws_qemu_main.c - the QEMU driver for the keyword front end (not part of the export): runs bitnet_kws_features on
 * the clips of the generated qemu_clips.h on an emulated Cortex-M3 (mps2-an385), reads SysTick around each call and
 * prints "features H ticks T" per clip (H the 32-bit FNV-1a hash of the 784 codes) over picolibc's semihosting,
 * after "calibration T" (scripts/kwsToolchain.ts turns ticks into instructions).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bitnet_kws.h"
#include "qemu_clips.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static void spin(uint32_t n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n));
}

static uint8_t features[BITNET_KWS_FEATURES];

int main(void)
{
    int i, k;
    uint32_t calibration_start, calibration_end;
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0u;
    SYST_CSR = 5u; /* enable, processor clock, no interrupt */
    SYST_CVR = 0u;
    calibration_start = SYST_CVR;
    spin(QEMU_CALIBRATION_LOOPS);
    calibration_end = SYST_CVR;
    printf("calibration %lu\n", (unsigned long)((calibration_start - calibration_end) & 0x00FFFFFFu));
    for (i = 0; i < QEMU_CLIP_COUNT; i++) {
        uint32_t start, end, hash = 2166136261u;
        SYST_CVR = 0u;
        start = SYST_CVR;
        bitnet_kws_features(qemu_clips[i], features);
        end = SYST_CVR;
        for (k = 0; k < BITNET_KWS_FEATURES; k++) hash = (hash ^ features[k]) * 16777619u;
        printf("features %lu ticks %lu\n", (unsigned long)hash, (unsigned long)((start - end) & 0x00FFFFFFu));
    }
    SYST_CSR = 0u;
    exit(0);
}
