"""The playground's optimizers and weight averaging (src/train/adam.ts, muon.ts, weightAverage.ts): Adam with
eps 1e-7 and one step count for all variables; Muon for the hidden weight matrices with Adam for the rest; an
exponential moving average of the weights that the model takes when the run ends. The learning rate is set per
step by the schedule (learning_rate_at)."""
import math

import torch

COSINE_FLOOR = 0.05
MUON_MOMENTUM = 0.95
NEWTON_SCHULZ = (3.4445, -4.775, 2.0315)
ADAM_RMS_MATCH = 0.2
"""Muon's update is scaled by 0.2·sqrt(max(K, N)) to the RMS of a typical Adam update, so one rate serves both."""


def learning_rate_at(config, step, total_steps):
    """constant, cosine (down to 5 % of the rate at the last step) or cosine-zero (down to 0)."""
    if config["lrSchedule"] == "constant" or total_steps <= 1:
        return config["learningRate"]
    progress = min(1, step / (total_steps - 1))
    floor = COSINE_FLOOR if config["lrSchedule"] == "cosine" else 0
    return config["learningRate"] * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def orthogonalize(g, steps=5):
    """Newton-Schulz: ≈ the orthogonal factor of g (K, N), all singular values pushed to about 1."""
    a, b, c = NEWTON_SCHULZ
    x = g / (torch.sqrt((g * g).sum()) + 1e-7)
    wide = g.shape[0] <= g.shape[1]
    for _ in range(steps):
        gram = x @ x.T if wide else x.T @ x  # (r, r), r = min(K, N)
        polynomial = gram * b + (gram @ gram) * c
        x = x * a + (polynomial @ x if wide else x @ polynomial)
    return x


class Adam(torch.optim.Optimizer):
    """Adam (Kingma & Ba): m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², w ← w − lr/(1 − β1ᵗ)·m / (sqrt(v/(1 − β2ᵗ)) + eps).
    A group with muon=True gets Muon's rule instead (Muon subclass); its `m` is the momentum, its `v` stays 0."""

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-7):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, muon=False))
        self.step_count = 0
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = {"m": torch.zeros_like(p), "v": torch.zeros_like(p)}

    @torch.no_grad()
    def step(self, closure=None):
        self.step_count += 1
        t = self.step_count
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                m, v, grad = self.state[p]["m"], self.state[p]["v"], p.grad
                if group["muon"]:
                    m.mul_(MUON_MOMENTUM).add_(grad)
                    nesterov = grad + m * MUON_MOMENTUM
                    p.sub_(orthogonalize(nesterov) * (lr * ADAM_RMS_MATCH * math.sqrt(max(p.shape))))
                    continue
                m.copy_(m * beta1 + grad * (1 - beta1))
                v.copy_(v * beta2 + grad.square() * (1 - beta2))
                p.sub_(m * (lr / (1 - beta1**t)) / (torch.sqrt(v / (1 - beta2**t)) + eps))


def make_optimizer(config, model):
    """Adam on every trainable variable, or Muon on the hidden weight matrices and Adam on the rest (one rate)."""
    params = list(model.parameters())
    if config["optimizer"] != "muon":
        return Adam(params, lr=config["learningRate"])
    hidden = {id(w) for w in model.hidden_weights()}
    groups = [
        {"params": [p for p in params if id(p) not in hidden]},
        {"params": [p for p in params if id(p) in hidden], "muon": True},
    ]
    return Adam(groups, lr=config["learningRate"])


class WeightAverage:
    """avg ← d_t·avg + (1 − d_t)·w after step t (1-based), d_t = min(d, (1 + t) / (10 + t)), for every trainable
    variable; apply() makes the model's variables the averages."""

    def __init__(self, params, decay):
        self.params = list(params)
        self.decay = decay
        self.averages = [p.detach().clone() for p in self.params]

    @torch.no_grad()
    def update(self, step):
        decay = min(self.decay, (1 + step) / (10 + step))
        for average, p in zip(self.averages, self.params):
            average.copy_(average * decay + p * (1 - decay))

    @torch.no_grad()
    def apply(self):
        for average, p in zip(self.averages, self.params):
            p.copy_(average)
