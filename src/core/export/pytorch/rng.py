"""The playground's seeded random numbers, bit for bit: mulberry32 and its Fisher-Yates shuffle.

A port of src/core/data/rng.ts. The same seed gives the same initial weights (He-normal draws), the same batch
order and the same augmentation as the playground, so a run here and a run in the page start alike, and a
checkpoint's `rng` state means the same thing on both sides. Not cryptographic.
"""
import math

import numpy as np

_MASK = 0xFFFFFFFF


def _imul(a, b):
    """32-bit wrap-around multiplication (JavaScript's Math.imul, as unsigned)."""
    return (a * b) & _MASK


class Rng:
    """mulberry32: uniform floats in [0, 1), integers in [0, n), standard normals by Box-Muller."""

    def __init__(self, seed, spare_normal=None):
        self.state = seed & _MASK
        self.spare_normal = spare_normal

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & _MASK
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & _MASK
        return (t ^ (t >> 14)) / 4294967296

    def int(self, n):
        return math.floor(self.next() * n)

    def normal(self):
        if self.spare_normal is not None:
            value, self.spare_normal = self.spare_normal, None
            return value
        # 1 - u keeps log() away from 0.
        radius = math.sqrt(-2 * math.log(1 - self.next()))
        angle = 2 * math.pi * self.next()
        self.spare_normal = radius * math.sin(angle)
        return radius * math.cos(angle)

    def get_state(self):
        """The state as checkpoints store it: {"state": uint32, "spareNormal": float or None}."""
        return {"state": self.state, "spareNormal": self.spare_normal}

    def set_state(self, saved):
        self.state = int(saved["state"]) & _MASK
        self.spare_normal = saved["spareNormal"]


def permutation(n, rng):
    """Fisher-Yates shuffle of 0..n-1, as a uint32 array (the playground's epoch order)."""
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = rng.int(i + 1)
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.uint32)
