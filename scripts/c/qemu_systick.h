/*
 * qemu_systick.h - SysTick timing for the QEMU drivers (not part of any export). Under `-icount shift=0` one
 * SysTick tick is one instruction's worth of virtual time, so the tick counts around a call, scaled by the
 * calibration loop's, read as instructions (scripts/cToolchain.ts and scripts/kwsToolchain.ts do the scaling).
 */
#ifndef QEMU_SYSTICK_H
#define QEMU_SYSTICK_H
#include <stdint.h>
#include <stdio.h>

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_MASK 0x00FFFFFFu /* SysTick counts down over 24 bits */

static void spin(uint32_t n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n));
}

/* Restarts the count from the top; returns the value to pass to systick_ticks_since. */
static inline uint32_t systick_restart(void)
{
    SYST_CVR = 0u;
    return SYST_CVR;
}

static inline uint32_t systick_ticks_since(uint32_t start)
{
    return (start - SYST_CVR) & SYST_MASK;
}

/*
 * Starts SysTick (processor clock, no interrupt) and prints "calibration T": the ticks of `loops` iterations of a
 * two-instruction loop (subs, bne).
 */
static void systick_start_and_calibrate(uint32_t loops)
{
    uint32_t start;
    SYST_RVR = SYST_MASK;
    SYST_CVR = 0u;
    SYST_CSR = 5u;
    start = systick_restart();
    spin(loops);
    printf("calibration %lu\n", (unsigned long)systick_ticks_since(start));
}

#endif /* QEMU_SYSTICK_H */
