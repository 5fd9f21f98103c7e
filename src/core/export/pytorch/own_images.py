"""An image folder read as the playground reads a run's own images, so that the project trains on the page's data.

Ports of src/core/data/imageFolder.ts (which files are taken or skipped, the classes, duplicates, the seeded split
stratified by class), imageHeader.ts (format and size from the first bytes), imageConversion.ts (composited over
white, integer luminance or RGB, area averaging with the aspect ratio kept, padding, rounding, inversion) and
ownDataset.ts (the whole set inverted or not by the majority of the images' borders). Every floating-point sum runs
in the page's order, so a PNG gives the page's bytes exactly; other formats go through Pillow, whose JPEG and WebP
decoders may differ from a browser's by a level. Without Pillow only PNGs are read (data.read_png_rgba).

load_own_folder(directory, conversion) -> (class names, train, validation): images (count, side, side) uint8 for
grey, (count, side, side, 3) for RGB (channel last, as the page's NHWC), labels (count,) int64.
"""
import hashlib
import math
import os
import struct

import numpy as np

from rng import Rng, permutation

MIN_CLASSES, MAX_CLASSES, MAX_CLASS_NAME_LENGTH = 2, 100, 64
VALIDATION_FRACTION = 0.2
SPLIT_SEED = 1234
MAX_SIDE = 4096
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "jfif", "webp", "bmp", "gif")
ARCHIVE_EXTENSIONS = ("zip", "tar", "gz", "tgz", "bz2", "xz", "7z", "rar")
SYSTEM_FILES = ("thumbs.db", "desktop.ini")
TRAIN_FOLDERS = ("train", "training")
HELD_OUT_FOLDERS = ("test", "val", "valid", "validation")


def js_round(x):
    """JavaScript's Math.round: halves up, exactly (x - floor(x) is exact in doubles)."""
    low = np.floor(x)
    return low + (x - low >= 0.5)


def _name_key(name):
    """The page's name order: UTF-16 code units, whatever the locale (Python compares code points)."""
    return name.encode("utf-16-be", "surrogatepass")


def _utf8(segment):
    """False for a name that was not valid UTF-8 on disk (os.listdir keeps its bytes as lone surrogates)."""
    try:
        segment.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def layout(directory):
    """The candidate images under `directory` (relative '/'-paths, sorted), their classes and fixed splits, as
    layoutImageFolder lays out a picked folder. -> (class names, [(path, class index, fixed split or None)],
    split folders?)."""
    usable = []
    for root, folders, files in os.walk(directory):
        folders.sort()
        for name in files:
            full = os.path.join(root, name)
            segments = os.path.relpath(full, directory).split(os.sep)
            if any(s.startswith(".") or s == "__MACOSX" for s in segments) or segments[-1].lower() in SYSTEM_FILES:
                continue
            extension = segments[-1].rsplit(".", 1)[1].lower() if "." in segments[-1][1:] else ""
            if extension in ARCHIVE_EXTENSIONS or extension not in IMAGE_EXTENSIONS or os.path.getsize(full) == 0:
                continue
            if not _utf8(segments[-1]):
                continue
            usable.append([segments, "/".join(segments), full])
    # A folder that wraps everything is not a class.
    while usable and all(len(u[0]) >= 3 and u[0][0] == usable[0][0][0] for u in usable) and usable[0][0][0].lower() not in TRAIN_FOLDERS:
        for u in usable:
            u[0] = u[0][1:]
    tops = {u[0][0].lower() for u in usable if len(u[0]) >= 3}
    split_folders = any(t in TRAIN_FOLDERS for t in tops) and any(t in HELD_OUT_FOLDERS for t in tops)
    train_classes, by_lower, entries = [], {}, []
    for segments, path, full in usable:
        fixed = None
        if split_folders:
            top = segments[0].lower()
            if len(segments) < 3 or (top not in TRAIN_FOLDERS and top not in HELD_OUT_FOLDERS):
                continue
            fixed = "train" if top in TRAIN_FOLDERS else "validation"
            segments = segments[1:]
        if len(segments) < 2:
            continue
        name = segments[0]
        if not _utf8(name) or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name) or len(name) > MAX_CLASS_NAME_LENGTH:
            continue
        seen = by_lower.get(name.lower())
        if seen is not None and seen != name:
            raise ValueError(f'Class folders "{seen}" and "{name}" differ only in case; rename or merge one of them.')
        by_lower[name.lower()] = name
        if fixed != "validation" and name not in train_classes:
            train_classes.append(name)
        entries.append((path, full, name, fixed))
    train_classes.sort(key=_name_key)
    if len(train_classes) > MAX_CLASSES:
        raise ValueError(f"{len(train_classes)} class folders; the limit is {MAX_CLASSES}.")
    candidates = [(path, full, train_classes.index(name), fixed) for path, full, name, fixed in entries if name in train_classes]
    candidates.sort(key=lambda c: _name_key(c[0]))
    return train_classes, candidates, split_folders


def image_size(raw):
    """(width, height) from a file's first bytes for the formats the page decodes, or None (readImageHeader)."""
    def u16(at, little=False):
        return struct.unpack("<H" if little else ">H", raw[at:at + 2])[0]

    size = None
    if raw[:8] == b"\x89PNG\r\n\x1a\n":
        if len(raw) < 24 or raw[12:16] != b"IHDR":
            return None
        size = struct.unpack(">II", raw[16:24])
    elif raw[:3] == b"\xff\xd8\xff":
        size = _jpeg_size(raw)
    elif raw[:6] in (b"GIF87a", b"GIF89a"):
        size = (u16(6, True), u16(8, True)) if len(raw) >= 10 else None
    elif raw[:2] == b"BM":
        size = tuple(abs(v) for v in struct.unpack("<ii", raw[18:26])) if len(raw) >= 26 else None
    elif raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        size = _webp_size(raw)
    if size is None or 0 in size or max(size) > MAX_SIDE:
        return None
    return size


def _jpeg_size(raw):
    at = 2
    while at + 4 <= len(raw):
        if raw[at] != 0xFF:
            return None
        marker = raw[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        length = struct.unpack(">H", raw[at + 2:at + 4])[0]
        if length < 2:
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return None if at + 9 > len(raw) else struct.unpack(">HH", raw[at + 5:at + 9])[::-1]
        if marker in (0xDA, 0xD9):
            return None
        at += 2 + length
    return None


def _webp_size(raw):
    if len(raw) < 30:
        return None
    chunk = raw[12:16]
    if chunk == b"VP8 ":
        if raw[23:26] != b"\x9d\x01\x2a":
            return None
        return struct.unpack("<H", raw[26:28])[0] & 0x3FFF, struct.unpack("<H", raw[28:30])[0] & 0x3FFF
    if chunk == b"VP8L":
        if raw[20] != 0x2F:
            return None
        bits = struct.unpack("<I", raw[21:25])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return 1 + int.from_bytes(raw[24:27], "little"), 1 + int.from_bytes(raw[27:30], "little")
    return None


def decode_rgba(path, raw):
    """(height, width, 4) uint8: Pillow when installed (EXIF orientation applied, as the page's decoder does), else
    the built-in PNG reader."""
    try:
        from PIL import Image, ImageOps
    except ImportError:
        from data import read_png_rgba
        return read_png_rgba(path, raw)
    with Image.open(path) as image:
        image.seek(0)
        return np.asarray(ImageOps.exif_transpose(image).convert("RGBA"), dtype=np.uint8)


def _over_white(rgba):
    """(h, w, 4) -> (h, w, 3) float64: each channel composited over white, c·a/255 + 255·(1 − a/255)."""
    rgb, alpha = rgba[..., :3].astype(np.float64), rgba[..., 3:].astype(np.float64)
    return (rgb * alpha + 255 * (255 - alpha)) / 255


def _luminance(r, g, b):
    """Rec. 601 in integers: (77 R + 150 G + 29 B + 128) >> 8 (arguments whole or not, as the page's)."""
    return np.floor(77 * r + 150 * g + 29 * b + 128).astype(np.int64) >> 8


def _border(height, width):
    mask = np.zeros((height, width), dtype=bool)
    mask[0, :] = mask[-1, :] = mask[:, 0] = mask[:, -1] = True
    return mask


def border_is_light(rgba):
    """True when the one-pixel border's mean luminance over white is above 127.5 (whole values: order-free sum)."""
    over = _over_white(rgba)[_border(*rgba.shape[:2])]
    return _luminance(over[:, 0], over[:, 1], over[:, 2]).sum() / len(over) > 127.5


def _axis_weights(n, m):
    """m outputs over n inputs (imageConversion.ts axisWeights): weights (m, K) of overlap / step and the input
    index (m, K) of each, output o's k-th input first(o) + k, zero-padded to the longest list. Adding a padded
    term adds +0.0, so a sum over k in order is the page's sum exactly."""
    step = n / m
    lists = []
    for o in range(m):
        low, high = o * step, (o + 1) * step
        first = math.floor(low)
        lists.append((first, [(min(high, i + 1) - max(low, i)) / step for i in range(first, min(n, math.ceil(high)))]))
    width = max(len(weights) for _, weights in lists)
    weights = np.zeros((m, width))
    index = np.zeros((m, width), dtype=np.int64)
    for o, (first, values) in enumerate(lists):
        weights[o, :len(values)] = values
        index[o] = np.minimum(first + np.arange(width), n - 1)
    return weights, index


def convert_image(rgba, side, color):
    """(height, width, 4) uint8 -> (side, side, channels) uint8, not inverted (convertImage with invert false)."""
    height, width = rgba.shape[:2]
    over = _over_white(rgba)
    if color == "grey":
        whole = js_round(over)
        source = _luminance(whole[..., 0], whole[..., 1], whole[..., 2]).astype(np.float64)[..., None]
    else:
        source = over
    channels = source.shape[2]
    scale = side / max(width, height)
    content_w = min(side, max(1, int(js_round(width * scale))))
    content_h = min(side, max(1, int(js_round(height * scale))))
    # Rows first, (height, content_w, channels), each sum accumulated in the page's order (k ascending).
    weights, index = _axis_weights(width, content_w)
    narrowed = np.zeros((height, content_w, channels))
    for k in range(weights.shape[1]):
        narrowed = narrowed + weights[None, :, k, None] * source[:, index[:, k], :]
    # The padding continues the background: the border's mean per channel, summed in row-major order.
    border = source[_border(height, width)]
    background = js_round(np.cumsum(border, axis=0)[-1] / len(border))
    out = np.empty((side, side, channels), dtype=np.uint8)
    out[:, :] = background.astype(np.uint8)
    left, top = (side - content_w) // 2, (side - content_h) // 2
    weights, index = _axis_weights(height, content_h)
    total = np.zeros((content_h, content_w, channels))
    for k in range(weights.shape[1]):
        total = total + weights[:, k, None, None] * narrowed[index[:, k]]
    out[top:top + content_h, left:left + content_w] = np.clip(js_round(total), 0, 255).astype(np.uint8)
    return out[..., 0] if channels == 1 else out


def load_own_folder(directory, conversion, seed=SPLIT_SEED):
    """The page's data set of an image folder under `conversion` ({side, color, invert}): -> (class names, (train
    images, labels), (validation images, labels)). Raises ValueError where the page refuses the folder."""
    classes, candidates, split_folders = layout(directory)
    converted, light, first_by_digest = [], 0, {}
    per_class = [[] for _ in classes]
    for path, full, label, fixed in candidates:
        with open(full, "rb") as file:
            raw = file.read()
        size = image_size(raw)
        if size is None:
            continue
        try:
            rgba = decode_rgba(full, raw)
        except Exception:  # a file that does not decode is skipped, as the page skips it
            continue
        if (rgba.shape[1], rgba.shape[0]) != tuple(size):
            continue
        light += border_is_light(rgba)
        image = convert_image(rgba, conversion["side"], conversion["color"])
        converted.append(image)
        # Duplicates by content after the first in path order (the page compares a digest and the length).
        digest = (hashlib.sha256(raw).digest(), len(raw))
        if digest in first_by_digest:
            continue
        first_by_digest[digest] = path
        per_class[label].append((len(converted) - 1, fixed))
    invert = {"auto": len(converted) > 0 and light * 2 > len(converted), "yes": True, "no": False}[conversion["invert"]]
    rng = Rng(seed)
    names, splits = [], {"train": ([], []), "validation": ([], [])}
    for old, members in enumerate(per_class):
        if not any(fixed != "validation" for _, fixed in members):
            continue
        names.append(classes[old])
        if split_folders:
            split = [fixed or "train" for _, fixed in members]
        else:
            held = 0 if len(members) < 2 else max(1, int(js_round(len(members) * VALIDATION_FRACTION)))
            order = permutation(len(members), rng)
            split = ["train"] * len(members)
            for k in range(held):
                split[order[k]] = "validation"
        for (index, _), part in zip(members, split):
            splits[part][0].append(converted[index])
            splits[part][1].append(len(names) - 1)
    if len(names) < MIN_CLASSES:
        raise ValueError(f"{directory}: found {len(names)} class folder(s) with readable images; a data set needs {MIN_CLASSES} to {MAX_CLASSES}")
    if not splits["validation"][0]:
        raise ValueError(f"{directory}: no image is left for validation: give each class at least two images (or a test/ or val/ folder)")

    def stacked(part):
        images = np.stack(splits[part][0])
        return (255 - images if invert else images), np.array(splits[part][1], dtype=np.int64)

    return names, stacked("train"), stacked("validation")
