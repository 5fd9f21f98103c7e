"""Playground checkpoints (docs/formats.md, "Checkpoint files"): safetensors with the model's variables
(layer{i}.weight (K, N), layer{i}.bias, layer{i}.bn.{gamma,beta,moving_mean,moving_variance}), adam.m.<name> and
adam.v.<name> for every trainable one, ema.<name> with weight averaging, trainer.epoch_order (uint32), and string
metadata (config, dataset, preset, position, RNG state, curves, data_crc32). The page's "Load checkpoint" reads
what save() writes, and load() reads the page's own checkpoints, so a run moves both ways."""
import json
import zlib

import numpy as np
import torch

import safetensors_io

FORMAT = "bitnet-playground-checkpoint"
SCHEMA_VERSION = 4
"""4: class_names and input_conversion; a file without them is of its built-in data set's ten classes."""
SERIES_LIMIT = 300
"""The page keeps at most 300 points per curve, halving the resolution when full; so does this file."""


def thin(points, limit=SERIES_LIMIT):
    """Every other point, the newest always kept, until at most `limit` remain (core/run/series.ts)."""
    while len(points) > limit:
        kept = points[::2]
        if kept[-1] is not points[-1]:
            kept.append(points[-1])
        points = kept
    return points


def _crc32(tensors):
    crc = 0
    for array in tensors.values():
        crc = zlib.crc32(np.ascontiguousarray(array).tobytes(), crc)
    return crc


def _numpy(tensor):
    return tensor.detach().cpu().numpy().astype(np.float32)


def save(path, model, optimizer, average, state, config, dataset, preset, curves, app_version, class_names=None, conversion=None):
    """class_names: an image-folder data set's classes in label order, the output layer's (the page loads a file
    only onto a data set of the same names in the same order); conversion: the run's input_conversion, or None. Both
    None for MNIST and Fashion-MNIST, which the page names itself. state: {"epoch", "step_in_epoch", "global_step", "epoch_order" (uint32 array), "rng" (Rng.get_state()),
    "end_of_run" (None or {"weightsAveraged", "batchNormRecalibrated"})}."""
    tensors = {name: _numpy(value) for name, value in model.state_dict().items()}
    trainable = list(model.named_parameters())
    for key in ("m", "v"):
        for name, p in trainable:
            tensors[f"adam.{key}.{name}"] = _numpy(optimizer.state[p][key])
    if average is not None:
        for (name, _), value in zip(trainable, average.averages):
            tensors[f"ema.{name}"] = _numpy(value)
    tensors["trainer.epoch_order"] = np.asarray(state["epoch_order"], dtype=np.uint32)
    metadata = {
        "format": FORMAT,
        "schema_version": str(SCHEMA_VERSION),
        "config": json.dumps(config, separators=(",", ":")),
        "dataset": dataset,
        "preset": preset,
        "epoch": str(state["epoch"]),
        "step_in_epoch": str(state["step_in_epoch"]),
        "global_step": str(state["global_step"]),
        "adam_step": str(optimizer.step_count),
        "rng": json.dumps(state["rng"], separators=(",", ":")),
        "end_of_run": json.dumps(state["end_of_run"], separators=(",", ":")),
        "curves": json.dumps(curves, separators=(",", ":")),
        "app_version": app_version,
        "data_crc32": str(_crc32(tensors)),
    }
    if class_names is not None:
        metadata["class_names"] = json.dumps(list(class_names), separators=(",", ":"))
        metadata["input_conversion"] = json.dumps(conversion, separators=(",", ":"))
    safetensors_io.save(path, tensors, metadata)


def read(path):
    """-> (tensors {name: array}, metadata with config, rng, curves and end_of_run parsed), checked for this format."""
    tensors, metadata = safetensors_io.load(path)
    if metadata.get("format") != FORMAT:
        raise ValueError(f"{path} is not a BitNet Playground checkpoint")
    if int(metadata["schema_version"]) > SCHEMA_VERSION:
        raise ValueError(f"{path} has schema version {metadata['schema_version']}, newer than this project reads ({SCHEMA_VERSION})")
    parsed = dict(metadata)
    for key in ("config", "rng", "curves", "end_of_run", "class_names", "input_conversion"):
        parsed[key] = json.loads(metadata[key]) if key in metadata else None
    return tensors, parsed


def load_weights(model, tensors):
    """The model's variables (latent weights, biases, batch norm) from a checkpoint's tensors."""
    state = {name: torch.from_numpy(np.array(tensors[name])) for name in model.state_dict()}
    model.load_state_dict(state)


def load_training(model, optimizer, average, tensors):
    """Optimizer moments and weight averages from a checkpoint's tensors (after load_weights)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            for key in ("m", "v"):
                optimizer.state[p][key].copy_(torch.from_numpy(np.array(tensors[f"adam.{key}.{name}"])))
        if average is not None:
            for (name, p), value in zip(model.named_parameters(), average.averages):
                source = tensors.get(f"ema.{name}")
                value.copy_(torch.from_numpy(np.array(source)) if source is not None else p.detach())
