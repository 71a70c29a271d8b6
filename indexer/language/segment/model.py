"""pyvi's CRF model: its bytes in memory, a tagger per thread, and its weights as doubles."""

from __future__ import annotations

import contextlib
import os
import struct
import threading
from pathlib import Path

import pycrfsuite
from pyvi.ViTokenizer import ViTokenizer as Pyvi

_local = threading.local()


def read_model() -> bytes:
    """pyvi's CRF model, in memory.

    Unpickling pyvi's model writes it to a temporary file that is left behind whenever a
    process does not exit cleanly (a killed build, a recycled server worker). Read it,
    let pyvi's own tagger load it too, and remove the file at once.
    """
    resource = Pyvi.model.modelfile
    data = Path(resource.name).read_bytes()
    Pyvi.model.tagger_  # noqa: B018 - pyvi's tagger reads the file now, while it exists
    with contextlib.suppress(OSError):
        os.unlink(resource.name)
    return data


MODEL = read_model()


def tagger() -> pycrfsuite.Tagger:
    # One tagger per thread: a pycrfsuite Tagger is not safe to share between threads.
    found = getattr(_local, "tagger", None)
    if found is None:
        found = _local.tagger = pycrfsuite.Tagger()
        found.open_inmemory(MODEL)
    return found


class Weights:
    """pyvi's CRF model read straight from its file: each attribute's weight per label.

    CRFsuite's own dump prints weights to six decimals, too few to decide a close call
    as the tagger does, so the doubles are read from the file: a header, a table of
    features (type, source, destination, weight) and two string tables (CQDB) that name
    the labels and the attributes by number.
    """

    def __init__(self, data: bytes) -> None:
        if data[:4] != b"lCRF":
            raise ValueError("not a CRFsuite model")
        offsets = struct.unpack_from("<4I", data, 28)  # features, labels, attributes
        labels = cqdb_strings(data, offsets[1])
        if labels != ["B_W", "I_W"]:
            raise ValueError(f"unexpected labels {labels}")
        attributes = cqdb_strings(data, offsets[2])
        (count,) = struct.unpack_from("<I", data, offsets[0] + 8)
        state: dict[str, list[float]] = {}
        transition = [[0.0, 0.0], [0.0, 0.0]]
        for kind, source, target, weight in struct.iter_unpack(
            "<IIId", data[offsets[0] + 12 : offsets[0] + 12 + 20 * count]
        ):
            if kind == 0:  # a state feature: attribute -> label
                state.setdefault(attributes[source], [0.0, 0.0])[target] = weight
            else:  # a transition: label -> label
                transition[source][target] = weight
        self.state = {name: tuple(pair) for name, pair in state.items()}
        self.transition = tuple(transition[0] + transition[1])  # BB, BI, IB, II

    def score(self, attributes: tuple[str, ...]) -> tuple[float, float]:
        """The summed (B_W, I_W) weights of *attributes*; unknown ones weigh nothing."""
        b = i = 0.0
        for name in attributes:
            pair = self.state.get(name)
            if pair is not None:
                b += pair[0]
                i += pair[1]
        return b, i


def cqdb_strings(data: bytes, offset: int) -> list[str]:
    """The strings of a CQDB chunk at *offset*, in the order of their numbers."""
    if data[offset : offset + 4] != b"CQDB":
        raise ValueError("not a CQDB chunk")
    count, table = struct.unpack_from("<II", data, offset + 16)
    strings = []
    for number in range(count):
        (record,) = struct.unpack_from("<I", data, offset + table + 4 * number)
        size = struct.unpack_from("<I", data, offset + record + 4)[0]
        start = offset + record + 8
        strings.append(data[start : start + size - 1].decode("utf-8"))  # size counts a NUL
    return strings


WEIGHTS = Weights(MODEL)
