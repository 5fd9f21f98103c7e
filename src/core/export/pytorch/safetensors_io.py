"""safetensors files of numpy arrays: the `safetensors` package when it is installed, else a small built-in codec.

The format: an 8-byte little-endian header length N, N bytes of JSON header ({name: {dtype, shape, data_offsets}},
and "__metadata__": {str: str}), then the raw little-endian tensor data. Only F32 and U32 tensors occur in
playground checkpoints; the built-in reader checks every offset against the file before it reads.
"""
import json
import struct

import numpy as np

try:
    from safetensors.numpy import save_file as _package_save
    from safetensors import safe_open as _package_open
except ImportError:
    _package_save = None
    _package_open = None

_DTYPES = {"F32": np.dtype("<f4"), "U32": np.dtype("<u4")}
_NAMES = {np.dtype("float32"): "F32", np.dtype("uint32"): "U32"}


def save(path, tensors, metadata):
    """tensors: {name: float32 or uint32 array}, written in this order; metadata: {str: str}."""
    if _package_save is not None:
        _package_save({name: np.ascontiguousarray(array) for name, array in tensors.items()}, str(path), metadata=metadata)
        return
    header = {"__metadata__": metadata}
    offset = 0
    for name, array in tensors.items():
        size = array.size * 4
        header[name] = {"dtype": _NAMES[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as the reference writer pads it
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)))
        file.write(text)
        for name, array in tensors.items():
            file.write(np.ascontiguousarray(array, dtype=_DTYPES[_NAMES[array.dtype]]).tobytes())


def load(path):
    """-> ({name: array}, metadata), the tensors in file order."""
    if _package_open is not None:
        with _package_open(str(path), framework="np") as file:
            return {name: file.get_tensor(name) for name in file.keys()}, dict(file.metadata() or {})
    with open(path, "rb") as file:
        data = file.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a safetensors header")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise ValueError(f"{path}: the header runs past the end of the file")
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {}) or {}
    body = memoryview(data)[8 + length:]
    tensors = {}
    for name, entry in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
        dtype = _DTYPES.get(entry["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {entry['dtype']}")
        begin, end = entry["data_offsets"]
        count = int(np.prod(entry["shape"], dtype=np.int64))
        if not 0 <= begin <= end <= len(body) or end - begin != count * 4:
            raise ValueError(f"{path}: tensor {name} has data offsets that do not fit the file")
        tensors[name] = np.frombuffer(body[begin:end], dtype=dtype).reshape(entry["shape"]).astype(dtype.newbyteorder("="))
    return tensors, metadata
