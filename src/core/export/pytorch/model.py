"""The playground's ternary network in PyTorch: the same layers, quantizers and straight-through estimators as
src/train/model.ts and src/train/quantizers.ts, built from the config's layer list (config.json "layers").

Weighted layer i holds latent float weights W_i of shape (K, N) (a conv layer's (kh·kw·C_in, C_out) matrix in
HWIO order, row (ky·kw + kx)·C_in + c), exactly the tensors of a playground checkpoint:
    q = act_quant(a)                 layer 0: 8-bit absmax unless activations are float; hidden: the config's
    z = q @ Wq_i + b_i               dense, (B, K) -> (B, N); conv: conv2d(q, Wq_i) + b_i, NCHW here
    hidden: a = act(BN(z)), then the conv layer's max pool; flattened in NHWC order before the first dense layer
    output: logits = BN(z) when outputNorm
where Wq_i = scale·trits(W_i) (or scale·codes for an int4/int8 layer) in the forward pass, and the gradient
reaches W_i through a straight-through estimator that zeroes it where |w| > steClip.
"""
import math

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.distributed.nn.functional import all_reduce  # Σ over the ranks; its gradient is summed back to each

FIXED_THRESHOLD_UNIT = 0.05
"""Latent-weight units of t for the fixed quantizer: t = 1 zeroes |w| <= 0.05."""
ABSMAX_LEVELS = 127
BN_MOMENTUM = 0.9
BN_EPSILON = 1e-5
INTEGER_STEP_DIVISOR = {"int4": 2, "int8": 32}
"""Δ = mean|W| / divisor: the step between an integer format's levels."""


def ternary_parts(w, quantizer, t, per_channel):
    """w (K, N) -> trits in {-1, 0, 1} (K, N) and the scale (a scalar, or (1, N) per output channel).

    twn:     Δ = t·mean|W|, T = sign(W)·[|W| > Δ], scale = mean of the kept |W|
    absmean: Δ = t·mean|W|, scale = mean|W| (BitNet b1.58; t = 0.5 is round(W / mean|W|) clipped to ±1)
    fixed:   Δ = t·0.05, scale as twn
    """
    abs_w = w.abs()
    mean_abs = abs_w.mean(0, keepdim=True) if per_channel else abs_w.mean()
    threshold = t * FIXED_THRESHOLD_UNIT if quantizer == "fixed" else t * mean_abs
    keep = (abs_w > threshold).to(w.dtype)
    trits = torch.sign(w) * keep
    if quantizer == "absmean":
        return trits, mean_abs
    kept = (abs_w * keep).sum(0, keepdim=True) if per_channel else (abs_w * keep).sum()
    count = keep.sum(0, keepdim=True) if per_channel else keep.sum()
    return trits, kept / count.clamp(min=1)


def integer_parts(w, weight_format, per_channel):
    """w (K, N) -> integer codes (int8: -127..127; int4: the odd codes -15..15) and the scale, W ≈ scale·codes."""
    abs_w = w.abs()
    mean_abs = abs_w.mean(0, keepdim=True) if per_channel else abs_w.mean()
    step = mean_abs / INTEGER_STEP_DIVISOR[weight_format]
    ratio = w / torch.where(step == 0, torch.ones_like(step), step)
    if weight_format == "int4":
        return torch.clamp(torch.round(ratio - 0.5), -8, 7) * 2 + 1, step / 2
    return torch.clamp(torch.round(ratio), -127, 127), step


class QuantizeWeights(torch.autograd.Function):
    """Forward: the quantized weights scale·trits (or scale·codes). Backward (STE): grad where |w| <= clip, else 0."""

    @staticmethod
    def forward(ctx, w, weight_format, quantizer, t, per_channel, clip):
        ctx.save_for_backward(w)
        ctx.clip = clip
        if weight_format == "ternary":
            trits, scale = ternary_parts(w, quantizer, t, per_channel)
        else:
            trits, scale = integer_parts(w, weight_format, per_channel)
        return trits * scale

    @staticmethod
    def backward(ctx, grad):
        (w,) = ctx.saved_tensors
        return grad * (w.abs() <= ctx.clip).to(grad.dtype), None, None, None, None, None


class Absmax8(torch.autograd.Function):
    """x (B, features): per-example 8-bit fake quantization, round(127·x/γ)·γ/127 with γ = max|x|. Backward: identity."""

    @staticmethod
    def forward(ctx, x):
        gamma = x.abs().amax(1, keepdim=True).clamp(min=1e-12)
        # 127 / γ as one division: `127 / gamma` is computed as 127·(1/γ), rounded twice, and breaks the ties
        # of round() (a pixel at half the image's maximum lands on exactly 63.5) differently from the page.
        factor = torch.full_like(gamma, ABSMAX_LEVELS) / gamma
        codes = torch.clamp(torch.round(x * factor), -ABSMAX_LEVELS, ABSMAX_LEVELS)
        return codes * (gamma / ABSMAX_LEVELS)

    @staticmethod
    def backward(ctx, grad):
        return grad


class BinarySign(torch.autograd.Function):
    """+1 where x >= 0, else -1. Backward: the hard-tanh STE, grad where |x| <= 1, else 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x.abs() <= 1).to(grad.dtype)


class BatchNorm(nn.Module):
    """Batch norm over every axis but the channels, the playground's way: moving statistics with momentum 0.9 and
    the biased batch variance, eps 1e-5. Under torch.distributed the batch statistics are those of the global batch
    (all-reduced over `group`, gradients included), as SyncBatchNorm computes them; `calibration` pools
    population statistics instead of training (the end of a run)."""

    def __init__(self, channels):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))
        self.register_buffer("moving_mean", torch.zeros(channels))
        self.register_buffer("moving_variance", torch.ones(channels))
        self.group = None
        self.calibration = None

    def forward(self, z):
        # z: (B, N) or (B, N, H, W); statistics per channel N.
        dims = [0] if z.dim() == 2 else [0, 2, 3]
        shape = [1, -1] + [1] * (z.dim() - 2)
        if not self.training:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            count = z.numel() // z.shape[1]
            if self.group is not None and self.calibration is None:
                count_all = torch.tensor([float(count)], device=z.device)
                dist.all_reduce(count_all, group=self.group)
                mean = all_reduce(z.sum(dims), group=self.group) / count_all
                variance = all_reduce(((z - mean.view(shape)) ** 2).sum(dims), group=self.group) / count_all
            else:
                mean = z.mean(dims)
                variance = ((z - mean.view(shape)) ** 2).mean(dims)
            with torch.no_grad():
                if self.calibration is not None:
                    total = self.calibration
                    total[0] += mean * count
                    total[1] += (variance + mean**2) * count
                    total[2] += count
                else:
                    self.moving_mean.mul_(BN_MOMENTUM).add_(mean * (1 - BN_MOMENTUM))
                    self.moving_variance.mul_(BN_MOMENTUM).add_(variance * (1 - BN_MOMENTUM))
        gain = self.gamma * torch.rsqrt(variance + BN_EPSILON)
        return (z - mean.view(shape)) * gain.view(shape) + self.beta.view(shape)


class QuantLayer(nn.Module):
    """One weighted layer: latent weight (K, N), bias (N), optional batch norm `bn`; dense, or conv when `conv` is
    set ({"kernel", "stride", "channels", "pad": (left, right, top, bottom), "pool"})."""

    def __init__(self, inputs, outputs, weight_format, norm, conv=None, output=False):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(inputs, outputs))
        self.bias = nn.Parameter(torch.zeros(outputs))
        self.bn = BatchNorm(outputs) if norm else None
        self.weight_format = weight_format
        self.conv = conv
        self.output = output

    def forward(self, q, quantize):
        w = quantize(self.weight, self.weight_format)
        if self.conv is None:
            return q @ w + self.bias
        k, channels = self.conv["kernel"], self.conv["channels"]
        # (K, N) in HWIO order -> (N, C_in, kh, kw), PyTorch's OIHW.
        kernel = w.reshape(k, k, channels, -1).permute(3, 2, 0, 1)
        return F.conv2d(F.pad(q, self.conv["pad"]), kernel, self.bias, stride=self.conv["stride"])


def _conv_axis(size, kernel, stride, padding):
    """Output size along one axis and the padding before it (TensorFlow's 'same': the extra pixel goes after)."""
    if padding == "valid":
        return (size - kernel) // stride + 1, 0
    out = -(-size // stride)
    return out, max(0, (out - 1) * stride + kernel - size) // 2


def input_shape(config, conversion=None):
    """(side, channels) of the network's input (core/model/config.ts configInputShape): a run's own images as its
    input_conversion makes them ({side, color, invert}; RGB has 3 channels), else MNIST's 28x28 grey; 16x16 when
    inputResolution is 16, the area average of 28x28 grey images."""
    if config["inputResolution"] == 16:
        return 16, 1
    if conversion is None:
        return 28, 1
    return conversion["side"], 3 if conversion["color"] == "rgb" else 1


def network_plan(layers, side, classes=10, output_weights="ternary", channels=1):
    """The config's layer list -> weighted layers [(K, N, format, conv or None)], the output layer last
    (core/model/layers.ts networkPlan; the page has already validated the list). The input is side x side x
    channels, flattened channel last."""
    plan, height, width, features, flat = [], side, side, side * side * channels, False
    for layer in layers:
        if layer["kind"] == "conv2d":
            k, stride = layer["kernel"], layer["stride"]
            out_h, top = _conv_axis(height, k, stride, layer["padding"])
            out_w, left = _conv_axis(width, k, stride, layer["padding"])
            bottom = max(0, (out_h - 1) * stride + k - height - top)
            right = max(0, (out_w - 1) * stride + k - width - left)
            conv = {"kernel": k, "stride": stride, "channels": channels, "pad": (left, right, top, bottom), "pool": 0}
            plan.append([k * k * channels, layer["filters"], layer.get("weights", "ternary"), conv])
            height, width, channels = out_h, out_w, layer["filters"]
        elif layer["kind"] == "maxpool2d":
            plan[-1][3]["pool"] = layer["size"]
            height, width = height // layer["size"], width // layer["size"]
        elif layer["kind"] == "flatten":
            features, flat = height * width * channels, True
        else:
            if not flat:
                raise ValueError("a dense layer needs a flatten before it")
            plan.append([features, layer["units"], layer.get("weights", "ternary"), None])
            features = layer["units"]
    plan.append([features, classes, output_weights, None])
    return plan


class TernaryNet(nn.Module):
    """The network of a playground config. forward(x): x (B, side·side·channels) pixels in [0, 1], channel last ->
    logits (B, classes), the output layer one unit per class of the run (10 for the IDX sets, 2 to 100 for an image
    folder). image: (side, channels) of the input, input_shape(config, conversion).
    Parameter and buffer names are the checkpoint's: layer{i}.weight, layer{i}.bias, layer{i}.bn.gamma, ..."""

    def __init__(self, config, classes=10, image=None):
        super().__init__()
        self.config = config
        self.side, self.channels = image if image is not None else input_shape(config)
        self.threshold = config["threshold"]
        plan = network_plan(config["layers"], self.side, classes, config["outputWeights"], self.channels)
        self.count = len(plan)
        for i, (inputs, outputs, weight_format, conv) in enumerate(plan):
            output = i == len(plan) - 1
            norm = config["outputNorm"] if output else config["norm"] == "batchnorm"
            self.add_module(f"layer{i}", QuantLayer(inputs, outputs, weight_format, norm, conv, output))

    @property
    def layers(self):
        return [getattr(self, f"layer{i}") for i in range(self.count)]

    def reset_parameters(self, rng):
        """He-normal latent weights from the playground's RNG (N(0, 2 / K), drawn row-major per layer): the same
        seed gives the page's initial weights. Biases 0, batch norm γ 1, β 0, moving statistics 0 and 1."""
        with torch.no_grad():
            for layer in self.layers:
                inputs, outputs = layer.weight.shape
                std = math.sqrt(2 / inputs)
                values = [rng.normal() * std for _ in range(inputs * outputs)]
                layer.weight.copy_(torch.tensor(values, dtype=torch.float64).reshape(inputs, outputs))
                layer.bias.zero_()
                if layer.bn is not None:
                    layer.bn.gamma.fill_(1)
                    layer.bn.beta.zero_()
                    layer.bn.moving_mean.zero_()
                    layer.bn.moving_variance.fill_(1)

    def batch_norms(self):
        return [layer.bn for layer in self.layers if layer.bn is not None]

    def hidden_weights(self):
        """The latent weight matrices of the hidden layers: what Muon updates."""
        return [layer.weight for layer in self.layers if not layer.output]

    def quantize(self, w, weight_format):
        config = self.config
        if config["weightQuantizer"] == "none":
            return w
        per_channel = config["weightScale"] == "channel"
        return QuantizeWeights.apply(w, weight_format, config["weightQuantizer"], self.threshold, per_channel, config["steClip"])

    def quantize_input(self, a, index):
        """a (B, K) or (B, C, H, W), quantized per example over all its values."""
        kind = self.config["activationQuantizer"]
        if kind == "none":
            return a
        if index == 0 or kind == "absmax8":
            return Absmax8.apply(a.reshape(len(a), -1)).reshape(a.shape)
        return BinarySign.apply(a)

    def forward(self, x):
        layers = self.layers
        # (B, side·side·C) channel last -> (B, C, side, side) for a conv first layer.
        a = x.reshape(len(x), self.side, self.side, self.channels).permute(0, 3, 1, 2) if layers[0].conv is not None else x
        for i, layer in enumerate(layers):
            z = layer(self.quantize_input(a, i), self.quantize)
            if layer.output:
                return layer.bn(z) if layer.bn is not None else z
            if layer.bn is not None:
                z = layer.bn(z)
            a = F.relu(z) if self.config["hiddenActivation"] == "relu" else z
            if layer.conv is not None and layer.conv["pool"]:
                a = F.max_pool2d(a, layer.conv["pool"])
            if layer.conv is not None and layers[i + 1].conv is None:
                a = a.permute(0, 2, 3, 1).reshape(len(a), -1)  # flatten in NHWC order, as the page does
        raise AssertionError("the plan ends with the output layer")
