"""Data as the playground sees it: IDX files (MNIST, Fashion-MNIST, the page's embedded 10k subset) or an image
folder, split into train / validation (/ test) exactly as the page splits them, batches in the page's order, its
augmentation, its 16x16 area average and its shift averaging.

Images stay uint8 in numpy: (count, side, side) grey (28 for the IDX sets), (count, side, side, 3) RGB, channel last
as the page's NHWC; model_input() turns a batch into the float32 (batch, pixels) tensor the network's first layer
takes, p / 255. A run's own images are read as the page reads them by own_images.py. Ports of
src/core/data/{idx,dataset,augment}.ts and src/core/model/{inputResolution,shiftAveraging}.ts.
"""
import gzip
import math
import os
import struct
import zlib
from dataclasses import dataclass

import numpy as np

from rng import Rng, permutation

CLASS_COUNT = 10
"""The IDX data sets' classes: labels 0..9."""
MIN_FOLDER_CLASSES, MAX_FOLDER_CLASSES = 2, 100
"""An image folder's class count, the page's own limits (core/data/imageFolder.ts)."""
IMAGE_SIDE = 28
SPLIT_SEED = 1234
"""The page's fixed seed of the train/validation split, so validation figures compare across runs."""

# (dx, dy) of the five shift-averaging passes: the image, then one pixel right, left, down and up.
SHIFT_OFFSETS = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))

# The names each file may have: the standard IDX names (gzipped or not), and the page's embedded subset.
_FULL_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
_EMBEDDED_FILES = ("mnist-10k-images.idx", "mnist-10k-labels.idx")


@dataclass
class ImageSet:
    images: np.ndarray  # (count, rows, cols) or (count, rows, cols, channels) uint8
    labels: np.ndarray  # (count,) int64

    @property
    def count(self):
        return len(self.labels)


@dataclass
class SplitDataset:
    dataset_id: str  # what checkpoints record: "mnist-10k", "mnist", "fashion-mnist", "folder" or the run's own id
    train: ImageSet
    validation: ImageSet
    test: ImageSet = None
    class_names: list = None  # an image folder's classes in label order; None for the IDX sets' ten

    @property
    def class_count(self):
        return CLASS_COUNT if self.class_names is None else len(self.class_names)


def read_idx(path):
    """An IDX file (gzipped or not) -> uint8 array of its dimensions."""
    with open(path, "rb") as file:
        raw = file.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(f">{raw[3]}I", raw[4:4 + 4 * raw[3]])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims))
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data for dimensions {dims}")
    return data.reshape(dims)


def _find(directory, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    return None


def _image_set(images_path, labels_path):
    images, labels = read_idx(images_path), read_idx(labels_path).astype(np.int64)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"{images_path} and {labels_path} do not belong together")
    if labels.max() >= CLASS_COUNT:
        raise ValueError(f"{labels_path}: labels must lie in 0..{CLASS_COUNT - 1}")
    return ImageSet(images, labels)


def split_train_validation(data, validation_count, seed=SPLIT_SEED):
    """The page's split: a seeded permutation, the last `validation_count` examples held out."""
    order = permutation(data.count, Rng(seed))
    train, held_out = order[: data.count - validation_count], order[data.count - validation_count:]
    return ImageSet(data.images[train], data.labels[train]), ImageSet(data.images[held_out], data.labels[held_out])


def load_dataset(directory, kind=None, run_classes=None, conversion=None):
    """kind: "mnist", "fashion-mnist" or "folder"; None guesses from the files (IDX names first).
    run_classes: (dataset id, class names in label order) of a run on the page's own data, whose folder must hold
    exactly those classes; None for a run on an IDX set. conversion: that run's input_conversion ({side, color,
    invert}): the folder is then read, converted and split as the page reads it (own_images.py)."""
    if kind == "folder" or (kind is None and _find(directory, _FULL_FILES["train"][0]) is None and _find(directory, _EMBEDDED_FILES[0]) is None):
        if conversion is not None and run_classes is not None:
            return load_own(directory, run_classes, conversion)
        return load_folder(directory, run_classes)
    if run_classes is not None:
        raise ValueError(f"this run's classes are its own ({', '.join(run_classes[1])}); train it on an image folder of them (--dataset folder), not on {directory}'s IDX files")
    train_files = [_find(directory, stem) for stem in _FULL_FILES["train"]]
    if None not in train_files:
        test_files = [_find(directory, stem) for stem in _FULL_FILES["test"]]
        train, validation = split_train_validation(_image_set(*train_files), 5000)
        test = _image_set(*test_files) if None not in test_files else None
        return SplitDataset(kind or "mnist", train, validation, test)
    embedded = [_find(directory, stem) for stem in _EMBEDDED_FILES]
    if None in embedded:
        raise FileNotFoundError(f"{directory}: no train-images-idx3-ubyte(.gz) / train-labels-idx1-ubyte(.gz) or mnist-10k-*.idx.gz")
    # The page's embedded subset: 9,000 train / 1,000 validation, no test set.
    train, validation = split_train_validation(_image_set(*embedded), 1000)
    return SplitDataset("mnist-10k", train, validation, None)


def load_folder(directory, run_classes=None):
    """DIR/<class>/*.png (or DIR/train/<class>/ and DIR/test/<class>/): 28x28 grayscale images, 2 to 100 classes; a
    tenth of the training images (at most 5,000) are held out for validation. With run_classes (dataset id, names),
    each folder's name is its class's index in the run's order and the folder must hold every class and no other;
    without, the classes are the folders in sorted order and the data set is "folder"."""
    parts = {name: os.path.join(directory, name) for name in ("train", "test") if os.path.isdir(os.path.join(directory, name))}
    train_dir = parts.get("train", directory)
    found = sorted(entry for entry in os.listdir(train_dir) if os.path.isdir(os.path.join(train_dir, entry)))
    if run_classes is None:
        dataset_id, classes = "folder", found
        if not MIN_FOLDER_CLASSES <= len(classes) <= MAX_FOLDER_CLASSES:
            raise ValueError(f"{train_dir}: expected {MIN_FOLDER_CLASSES} to {MAX_FOLDER_CLASSES} class folders, found {len(classes)}")
    else:
        dataset_id, classes = run_classes[0], list(run_classes[1])
        _check_classes(train_dir, found, classes)
    everything = _read_folder(train_dir, classes)
    empty = [name for label, name in enumerate(classes) if not (everything.labels == label).any()]
    if empty:
        raise ValueError(f"{train_dir}: no training image in the class folder(s) {', '.join(empty)}")
    train, validation = split_train_validation(everything, max(1, min(5000, everything.count // 10)))
    test = None
    if "test" in parts:
        test_found = sorted(entry for entry in os.listdir(parts["test"]) if os.path.isdir(os.path.join(parts["test"], entry)))
        unknown = [name for name in test_found if name not in classes]
        if unknown:
            raise ValueError(f"{parts['test']}: class folder(s) {', '.join(unknown)} are not among the classes {', '.join(classes)}")
        test = _read_folder(parts["test"], [name for name in classes if name in test_found], classes)
    return SplitDataset(dataset_id, train, validation, test, classes)


def load_own(directory, run_classes, conversion):
    """A run's own images as the page loads them: any image size and format, converted by `conversion`, the
    page's split stratified by class (or its train/ and test/ or val/ folders, the held-out one the validation
    split); no test split, as in the page."""
    from own_images import load_own_folder

    names, train, validation = load_own_folder(directory, conversion)
    classes = list(run_classes[1])
    _check_classes(directory, names, classes)
    # The folder's classes come in name order; the labels are the run's, its output layer's order.
    relabel = np.array([classes.index(name) for name in names], dtype=np.int64)
    return SplitDataset(run_classes[0], ImageSet(train[0], relabel[train[1]]), ImageSet(validation[0], relabel[validation[1]]), None, classes)


def _check_classes(directory, found, classes):
    """The folder holds exactly the run's classes: a missing class would leave an output never trained, an unknown
    one has no output."""
    missing = [name for name in classes if name not in found]
    unknown = [name for name in found if name not in classes]
    if missing or unknown:
        problems = ([f"no folder for the class(es) {', '.join(missing)}"] if missing else []) + ([f"folder(s) {', '.join(unknown)} not among the run's classes"] if unknown else [])
        raise ValueError(f"{directory}: {'; '.join(problems)}. The run's classes are {', '.join(classes)}, one folder each")


def _read_folder(directory, names, classes=None):
    """The images of the class folders `names`, labelled with each name's index in `classes` (default: names)."""
    classes = names if classes is None else classes
    images, labels = [], []
    for name in names:
        label = classes.index(name)
        folder = os.path.join(directory, name)
        for file in sorted(os.listdir(folder)):
            image = read_image(os.path.join(folder, file))
            if image.shape != (IMAGE_SIDE, IMAGE_SIDE):
                raise ValueError(f"{folder}/{file}: {image.shape[1]}x{image.shape[0]} pixels; the network takes 28x28 images")
            images.append(image)
            labels.append(label)
    if not images:
        raise ValueError(f"{directory}: no images in the class folders {', '.join(names)}")
    return ImageSet(np.stack(images), np.array(labels, dtype=np.int64))


def read_image(path):
    """A grayscale uint8 image: through Pillow when installed, else the built-in reader of 8-bit PNGs."""
    try:
        from PIL import Image
    except ImportError:
        rgba = read_png_rgba(path)
        return np.round(rgba[..., :3] @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.uint8)


def read_png_rgba(path, raw=None):
    """Non-interlaced 8-bit PNG (gray, gray+alpha, RGB, RGBA, palette with its transparency) -> (height, width, 4)
    uint8 RGBA, as the page's core/data/png.ts decodes it. raw: the file's bytes when already read."""
    if raw is None:
        with open(path, "rb") as file:
            raw = file.read()
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG (install Pillow for other formats)")
    position, chunks, header, palette, transparency = 8, [], None, None, None
    while position < len(raw):
        (length,), kind = struct.unpack(">I", raw[position:position + 4]), raw[position + 4:position + 8]
        body = raw[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            transparency = np.frombuffer(body, dtype=np.uint8)
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
        position += 12 + length
    width, height, depth, color, _, _, interlace = header
    channels = {0: 1, 4: 2, 2: 3, 6: 4, 3: 1}.get(color)
    if depth != 8 or channels is None or interlace or (color == 3 and palette is None):
        raise ValueError(f"{path}: only 8-bit non-interlaced PNGs are read without Pillow")
    stride = width * channels
    rows = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8).reshape(height, stride + 1)
    pixels = np.zeros((height, stride), dtype=np.int32)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        above = pixels[y - 1] if y > 0 else np.zeros(stride, dtype=np.int32)
        if kind == 0:
            pixels[y] = line
        elif kind == 2:
            pixels[y] = (line + above) & 0xFF
        else:  # Sub, Average, Paeth depend on the pixel to the left: one byte at a time
            for x in range(stride):
                left = pixels[y, x - channels] if x >= channels else 0
                corner = above[x - channels] if x >= channels else 0
                if kind == 1:
                    predictor = left
                elif kind == 3:
                    predictor = (left + above[x]) // 2
                else:
                    estimate = left + above[x] - corner
                    distances = (abs(estimate - left), abs(estimate - above[x]), abs(estimate - corner))
                    predictor = (left, above[x], corner)[distances.index(min(distances))]
                pixels[y, x] = (line[x] + predictor) & 0xFF
    pixels = pixels.reshape(height, width, channels).astype(np.uint8)
    rgba = np.full((height, width, 4), 255, dtype=np.uint8)
    if color == 3:
        index = pixels[..., 0]
        rgba[..., :3] = palette[index]
        if transparency is not None:
            alpha = np.full(256, 255, dtype=np.uint8)
            alpha[:len(transparency)] = transparency[:256]
            rgba[..., 3] = alpha[index]
    elif channels <= 2:
        rgba[..., :3] = pixels[..., :1]
        if channels == 2:
            rgba[..., 3] = pixels[..., 1]
    else:
        rgba[..., :channels] = pixels
    return rgba


def epoch_batches(order, batch_size):
    """The example indices of each step of an epoch, in the page's order."""
    return [order[start:start + batch_size] for start in range(0, len(order), batch_size)]


def draw_affine(config, rng):
    """One augmentation transform (dx, dy, angle, scale); only enabled components draw from the RNG."""
    def symmetric(limit):
        return (2 * rng.next() - 1) * limit

    shift, rotation, scale = config["augmentShift"], config["augmentRotation"], config["augmentScale"]
    dx = symmetric(shift) if shift > 0 else 0.0
    dy = symmetric(shift) if shift > 0 else 0.0
    angle = symmetric(rotation) * math.pi / 180 if rotation > 0 else 0.0
    factor = 1 + symmetric(scale) if scale > 0 else 1.0
    return dx, dy, angle, factor


def augmentation_enabled(config):
    return config["augmentShift"] > 0 or config["augmentRotation"] > 0 or config["augmentScale"] > 0


def apply_affine(images, draws):
    """images (B, rows, cols) or (B, rows, cols, channels) uint8, one (dx, dy, angle, scale) each -> transformed
    uint8: each output pixel samples the source bilinearly at the inverse-transformed position (0 outside), in
    float64, rounded half up; every channel of a pixel at the same position."""
    if images.ndim == 4:
        return np.stack([apply_affine(images[..., c], draws) for c in range(images.shape[3])], axis=3)
    batch, rows, cols = images.shape
    dx, dy, angle, scale = (np.array(column, dtype=np.float64)[:, None, None] for column in zip(*draws))
    cx, cy = (cols - 1) / 2, (rows - 1) / 2
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    y, x = np.meshgrid(np.arange(rows, dtype=np.float64), np.arange(cols, dtype=np.float64), indexing="ij")
    ux, uy = x[None] - cx - dx, y[None] - cy - dy
    sx, sy = cos * ux + sin * uy + cx, -sin * ux + cos * uy + cy
    x0, y0 = np.floor(sx), np.floor(sy)
    fx, fy = sx - x0, sy - y0
    padded = np.zeros((batch, rows + 2, cols + 2), dtype=np.float64)  # one pixel of zeros around every image
    padded[:, 1:-1, 1:-1] = images
    b = np.arange(batch)[:, None, None]

    def pixel(px, py):
        inside = (px >= -1) & (px <= cols) & (py >= -1) & (py <= rows)
        values = padded[b, np.clip(py, -1, rows).astype(np.int64) + 1, np.clip(px, -1, cols).astype(np.int64) + 1]
        return np.where(inside, values, 0.0)

    value = (1 - fy) * ((1 - fx) * pixel(x0, y0) + fx * pixel(x0 + 1, y0)) + fy * ((1 - fx) * pixel(x0, y0 + 1) + fx * pixel(x0 + 1, y0 + 1))
    return np.floor(value + 0.5).astype(np.uint8)  # JavaScript's Math.round


def _area_weights():
    """(16, 28): overlap in quarter pixels of reduced pixel o with image pixel i; each row sums to 7."""
    weights = np.zeros((16, IMAGE_SIDE), dtype=np.int64)
    for o in range(16):
        for i in range(IMAGE_SIDE):
            weights[o, i] = max(0, min(7 * (o + 1), 4 * (i + 1)) - max(7 * o, 4 * i))
    return weights


_AREA = _area_weights()
_UNIT = (np.arange(256, dtype=np.float64) / 255).astype(np.float32)  # p / 255 rounded once, as the page does


def area_average16(images):
    """(B, 28, 28) uint8 -> (B, 16, 16) uint8: round(Σ w·w·p / 49), exact integer rounding."""
    sums = np.einsum("oi,bij,pj->bop", _AREA, images.astype(np.int64), _AREA)
    return ((sums + 24) // 49).astype(np.uint8)


def model_input(images, resolution):
    """(B, side, side) or (B, side, side, channels) uint8 -> (B, side·side·channels) float32 in [0, 1], flattened
    channel last as the page's; the 16x16 area average when resolution is 16 (defined on 28x28 grey only)."""
    if resolution == 16:
        if images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
            raise ValueError(f"a 16x16 input is the area average of 28x28 grey images; these are {images.shape[1:]}")
        images = area_average16(images)
    return _UNIT[images.reshape(len(images), -1)]


def shifted_copies(images):
    """(B, rows, cols[, channels]) -> (5B, rows, cols[, channels]): image b's five moved copies at rows 5b..5b+4, in
    SHIFT_OFFSETS order; moved(y, x) = image(y - dy, x - dx), 0 outside, every channel of a pixel together."""
    batch, rows, cols = images.shape[:3]
    out = np.zeros((batch, len(SHIFT_OFFSETS)) + images.shape[1:], dtype=images.dtype)
    for s, (dx, dy) in enumerate(SHIFT_OFFSETS):
        out[:, s, max(0, dy):rows + min(0, dy), max(0, dx):cols + min(0, dx)] = images[:, max(0, -dy):rows - max(0, dy), max(0, -dx):cols - max(0, dx)]
    return out.reshape((batch * len(SHIFT_OFFSETS),) + images.shape[1:])
