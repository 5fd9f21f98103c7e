/*
 * qemu_main.c - the QEMU driver for the C export (not part of it): runs bitnet_predict on the images of the
 * generated qemu_images.h on an emulated Cortex-M3 (mps2-an385), reads SysTick around each call and prints
 * "class s0 … s9 ticks T" per image over picolibc's semihosting, after "calibration T" for a loop of
 * QEMU_CALIBRATION_LOOPS iterations of two instructions (scripts/cToolchain.ts turns ticks into instructions).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bitnet.h"
#include "qemu_images.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static void spin(uint32_t n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n));
}

int main(void)
{
    int i;
    uint32_t calibration_start, calibration_end;
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0u;
    SYST_CSR = 5u; /* enable, processor clock, no interrupt */
    /* Calibration: QEMU_CALIBRATION_LOOPS iterations of a two-instruction loop (subs, bne). */
    SYST_CVR = 0u;
    calibration_start = SYST_CVR;
    spin(QEMU_CALIBRATION_LOOPS);
    calibration_end = SYST_CVR;
    printf("calibration %lu\n", (unsigned long)((calibration_start - calibration_end) & 0x00FFFFFFu));
    for (i = 0; i < QEMU_IMAGE_COUNT; i++) {
        int32_t scores[BITNET_NUM_CLASSES];
        uint32_t start, end;
        int c, predicted;
        SYST_CVR = 0u;
        start = SYST_CVR;
        predicted = bitnet_predict(qemu_images[i], scores);
        end = SYST_CVR;
        printf("%d", predicted);
        for (c = 0; c < BITNET_NUM_CLASSES; c++) printf(" %ld", (long)scores[c]);
        printf(" ticks %lu\n", (unsigned long)((start - end) & 0x00FFFFFFu));
    }
    SYST_CSR = 0u;
    exit(0); /* picolibc's semihosting exit ends QEMU; returning from main leaves it running */
}
