"""Train the exported playground network: the page's recipe on one CPU, one GPU, or many (torchrun / DDP).

    python train.py --data DIR [--dataset mnist|fashion-mnist|folder] [--epochs N] [--max-steps N] [--out DIR]
                    [--device cpu|cuda] [--resume CHECKPOINT]
    torchrun --nproc_per_node=N train.py --data DIR ...

The recipe is config.json's: batch order, initial weights and augmentation from the playground's seeded RNG,
the learning-rate schedule per step, evaluation each epoch, weight averaging and batch-norm recalibration at the
end. Under torchrun every rank takes its share of each global batch, so the batch size and learning rate stay as
configured whatever the number of processes. One JSON line per epoch goes to stdout; rank 0 writes
OUT/epoch-<n>.safetensors and OUT/last.safetensors, playground checkpoints that the page's "Load checkpoint" takes.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

import checkpoint
from data import CLASS_COUNT, SHIFT_OFFSETS, apply_affine, augmentation_enabled, draw_affine, load_dataset, model_input, shifted_copies
from model import TernaryNet, input_shape
from optim import WeightAverage, learning_rate_at, make_optimizer
from rng import Rng, permutation

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL_CHUNK = 1000
IDX_DATASETS = ("mnist-10k", "mnist", "fashion-mnist")
"""The page's built-in data sets, whose ten classes the IDX files' labels 0..9 are."""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="IDX files (train-images-idx3-ubyte[.gz], ... or mnist-10k-*.idx.gz) or an image folder")
    parser.add_argument("--dataset", choices=["mnist", "fashion-mnist", "folder"], help="what --data holds (default: guessed from the files)")
    parser.add_argument("--epochs", type=int, help="epochs of the run (default: config.json's); the schedule spans them")
    parser.add_argument("--max-steps", type=int, help="stop after this many steps (a checkpoint is written)")
    parser.add_argument("--out", default="runs", help="where checkpoints go (default: runs)")
    parser.add_argument("--device", choices=["cpu", "cuda"], help="default: cuda when available")
    parser.add_argument("--resume", help="a checkpoint to continue (one of ours or the page's)")
    parser.add_argument("--float64", action="store_true", help="compute in float64 (slow; to see how much rounding moves a run)")
    parser.add_argument("--config", default=os.path.join(HERE, "config.json"))
    parser.add_argument("--init", default=os.path.join(HERE, "init.safetensors"), help="starting weights, when the file exists")
    return parser.parse_args(argv)


class Distributed:
    """torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), or one process."""

    def __init__(self, device_kind):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if device_kind == "cuda":
            torch.cuda.set_device(local_rank)
            self.device = torch.device("cuda", local_rank)
        else:
            self.device = torch.device("cpu")
        self.group = None
        if self.world > 1:
            dist.init_process_group("nccl" if device_kind == "cuda" else "gloo")
            # Batch norm's statistics travel in their own group, apart from DDP's gradient buckets.
            self.group = dist.new_group(list(range(self.world)))

    def share(self, indices):
        """This rank's part of a global batch: contiguous, sizes differing by at most one."""
        return np.array_split(indices, self.world)[self.rank]

    def sum(self, value):
        if self.world == 1:
            return value
        tensor = torch.tensor([value], dtype=torch.float64, device=self.device)
        dist.all_reduce(tensor)
        return tensor.item()


class Run:
    """The trainer: position, RNG, epoch order and curves, as a playground checkpoint records them."""

    def __init__(self, config, data, args, node, conversion=None):
        self.config, self.data, self.node, self.conversion = config, data, node, conversion
        self.rng = Rng(config["seed"])
        self.model = TernaryNet(config, data.class_count, input_shape(config, conversion))
        self.epoch = self.step_in_epoch = self.global_step = 0
        self.curves = {"loss": [], "validation": [], "epochs": []}
        self.end_of_run = None
        saved = checkpoint.read(args.resume) if args.resume is not None else None
        if saved is None:
            # The RNG's first draws are the initial weights, the next the first epoch's order, as in the page.
            self.model.reset_parameters(self.rng)
            self.order = permutation(data.train.count, self.rng)
            if os.path.exists(args.init):
                tensors, metadata = checkpoint.read(args.init)
                check_classes(args.init, metadata, data, "delete it to start from the seed's random weights")
                checkpoint.load_weights(self.model, tensors)
        else:
            check_classes(args.resume, saved[1], data, "train it on its own data")
            checkpoint.load_weights(self.model, saved[0])
        self.model.to(node.device)
        self.optimizer = make_optimizer(config, self.model)
        self.average = WeightAverage(self.model.parameters(), config["emaDecay"]) if config["emaDecay"] > 0 else None
        if saved is not None:
            self.restore(args.resume, *saved)
        for bn in self.model.batch_norms():
            bn.group = node.group
        self.network = self.model
        if node.world > 1:
            if config["batchSize"] < node.world:
                sys.exit(f"a batch of {config['batchSize']} cannot be shared by {node.world} processes")
            device_ids = [node.device.index] if node.device.type == "cuda" else None
            self.network = DistributedDataParallel(self.model, device_ids=device_ids, broadcast_buffers=False)
        self.steps_per_epoch = -(-data.train.count // config["batchSize"])
        self.total_steps = self.steps_per_epoch * config["epochs"]

    def restore(self, path, tensors, metadata):
        """Optimizer, weight averages, position, epoch order, RNG and curves of a checkpoint (weights already loaded)."""
        if len(tensors["trainer.epoch_order"]) != self.data.train.count:
            sys.exit(f"{path} was trained on {len(tensors['trainer.epoch_order'])} examples; --data has {self.data.train.count}")
        checkpoint.load_training(self.model, self.optimizer, self.average, tensors)
        self.optimizer.step_count = int(metadata["adam_step"])
        self.order = np.array(tensors["trainer.epoch_order"], dtype=np.uint32)
        self.rng.set_state(metadata["rng"])
        self.epoch, self.step_in_epoch = int(metadata["epoch"]), int(metadata["step_in_epoch"])
        self.global_step = int(metadata["global_step"])
        self.curves = metadata["curves"] or self.curves
        self.end_of_run = metadata["end_of_run"]

    @property
    def finished(self):
        return self.epoch >= self.config["epochs"]

    def step(self):
        """One optimizer step on the next global batch; returns its mean loss over all ranks."""
        config, train, node = self.config, self.data.train, self.node
        start = self.step_in_epoch * config["batchSize"]
        indices = self.order[start:start + config["batchSize"]]
        # Every rank draws the whole batch's transforms, so the RNG stays the same on all of them.
        draws = [draw_affine(config, self.rng) for _ in indices] if augmentation_enabled(config) else None
        local = node.share(np.arange(len(indices)))
        images = train.images[indices[local]]
        if draws is not None:
            images = apply_affine(images, [draws[i] for i in local])
        x = torch.from_numpy(model_input(images, config["inputResolution"])).to(node.device, torch.get_default_dtype())
        y = torch.from_numpy(train.labels[indices[local]]).to(node.device)
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate_at(config, self.global_step, self.total_steps)
        self.network.train()
        loss_sum = F.cross_entropy(self.network(x), y, reduction="sum")
        # DDP averages gradients over the ranks: scaled so, the gradient is the global batch's mean loss's.
        (loss_sum * (node.world / len(indices))).backward()
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        if self.average is not None:
            self.average.update(self.global_step + 1)
        loss = node.sum(loss_sum.item()) / len(indices)
        self.global_step += 1
        self.step_in_epoch += 1
        self.curves["loss"] = checkpoint.thin(self.curves["loss"] + [{"step": self.global_step, "value": loss}])
        if self.step_in_epoch >= self.steps_per_epoch:
            self.epoch += 1
            self.step_in_epoch = 0
            self.order = permutation(train.count, self.rng)
            if self.finished:
                self.finish()
        return loss

    def finish(self):
        """The end of the run: the weight averages, then batch norm's population statistics over the training split
        (each 1,000-image chunk in training mode, means and mean squares pooled), as the page ends a run."""
        if self.average is not None:
            self.average.apply()
        norms = self.model.batch_norms()
        if norms:
            for bn in norms:
                bn.calibration = [0, 0, 0]
            self.model.train()
            with torch.no_grad():
                for start in range(0, self.data.train.count, EVAL_CHUNK):
                    images = self.data.train.images[start:start + EVAL_CHUNK]
                    self.model(torch.from_numpy(model_input(images, self.config["inputResolution"])).to(self.node.device, torch.get_default_dtype()))
            for bn in norms:
                total, total_squares, count = bn.calibration
                bn.moving_mean.copy_(total / count)
                bn.moving_variance.copy_(torch.relu(total_squares / count - (total / count) ** 2))
                bn.calibration = None
        self.end_of_run = {"weightsAveraged": self.average is not None, "batchNormRecalibrated": bool(norms)}

    def accuracy(self, split):
        """Accuracy on a split (None without one) at the config's threshold."""
        if split is None:
            return None
        predictions = predict(self.model, self.config, split.images, self.node.device)
        return float((predictions == split.labels).mean())

    def save(self, path, preset, app_version):
        state = {
            "epoch": self.epoch,
            "step_in_epoch": self.step_in_epoch,
            "global_step": self.global_step,
            "epoch_order": self.order,
            "rng": self.rng.get_state(),
            "end_of_run": self.end_of_run,
        }
        checkpoint.save(
            path, self.model, self.optimizer, self.average, state, self.config, self.data.dataset_id, preset, self.curves, app_version,
            self.data.class_names, self.conversion,
        )


def check_classes(path, metadata, data, advice):
    """Exits unless the checkpoint's output layer is of data's classes: the same names in the same order, or for an
    IDX set ten of them (a file without class_names is of its built-in set's ten)."""
    names = metadata["class_names"]
    if data.class_names is None:
        if names is None or len(names) == CLASS_COUNT:
            return
        sys.exit(f"{path} is a run of the classes {', '.join(names)}; --data holds an IDX set's {CLASS_COUNT} ({advice})")
    if names != data.class_names:
        described = ", ".join(names) if names is not None else f"its built-in data set's {CLASS_COUNT}"
        sys.exit(f"{path} is a run of the classes {described}; --data holds {', '.join(data.class_names)} ({advice})")


@torch.no_grad()
def predict(model, config, images, device):
    """images (count, side, side[, channels]) uint8 -> predicted classes (count,), in evaluation mode, with shift averaging (the
    logits of the image and its four 1-pixel shifts summed) when the config asks for it."""
    model.eval()
    passes = len(SHIFT_OFFSETS) if config["shiftAveraging"] else 1
    predictions = []
    for start in range(0, len(images), EVAL_CHUNK):
        chunk = images[start:start + EVAL_CHUNK]
        if passes > 1:
            chunk = shifted_copies(chunk)
        logits = model(torch.from_numpy(model_input(chunk, config["inputResolution"])).to(device, torch.get_default_dtype()))
        predictions.append(logits.reshape(-1, passes, logits.shape[1]).sum(1).argmax(1).cpu().numpy())
    return np.concatenate(predictions)


def main(argv=None):
    args = parse_args(argv)
    with open(args.config) as file:
        exported = json.load(file)
    config = dict(exported["config"])
    # The run's own classes (a run on the page's own images): from the checkpoint resumed, else from config.json.
    source = exported
    if args.resume is not None:
        source = checkpoint.read(args.resume)[1]
        config = source["config"]
    class_names = source.get("class_names")
    run_classes = (source["dataset"], class_names) if class_names is not None and source["dataset"] not in IDX_DATASETS else None
    # How the run's own images became input; the folder is read and converted so (any size, grey or RGB).
    conversion = source.get("input_conversion") if run_classes is not None else None
    if args.epochs is not None:
        config["epochs"] = args.epochs
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if args.float64:
        torch.set_default_dtype(torch.float64)
    node = Distributed(device)
    try:
        data = load_dataset(args.data, args.dataset, run_classes, conversion)
    except (ValueError, FileNotFoundError) as error:
        sys.exit(str(error))
    run = Run(config, data, args, node, conversion)
    os.makedirs(args.out, exist_ok=True)
    app_version = f"{exported['appVersion']}+pytorch"
    losses = []

    def report():
        validation, test = run.accuracy(data.validation), run.accuracy(data.test)
        run.curves["validation"] = checkpoint.thin(run.curves["validation"] + [{"step": run.global_step, "value": validation}])
        line = {"epoch": run.epoch, "step": run.global_step, "trainLoss": float(np.mean(losses)) if losses else None, "valAcc": validation, "testAcc": test}
        if node.rank == 0:
            print(json.dumps(line), flush=True)
        return validation, test

    while not run.finished and (args.max_steps is None or run.global_step < args.max_steps):
        losses.append(run.step())
        if run.step_in_epoch == 0:
            validation, test = report()
            run.curves["epochs"].append({"epoch": run.epoch, "globalStep": run.global_step, "validationAccuracy": validation, "testAccuracy": test})
            losses = []
            if node.rank == 0:
                run.save(os.path.join(args.out, f"epoch-{run.epoch}.safetensors"), exported["preset"], app_version)
    if losses:
        report()
    if node.rank == 0:
        run.save(os.path.join(args.out, "last.safetensors"), exported["preset"], app_version)
    if node.world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
