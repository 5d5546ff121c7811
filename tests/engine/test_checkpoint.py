"""nnfit.engine._checkpoint: a run's state round-trips through one file, and a damaged file says so."""

import json

import numpy as np
import pytest

from nnfit.engine import _checkpoint as checkpoint


def test_pack_and_unpack_round_trip_nested_arrays():
    value = {
        "step": 3,
        "best": float("inf"),
        "params": [{"w": np.ones((2, 3), np.float32), "b": np.zeros(3)}],
        "none": None,
        "names": ["a", "b"],
    }
    arrays = []
    tree = json.loads(json.dumps(checkpoint.pack(value, arrays), allow_nan=True))
    restored = checkpoint.unpack(tree, arrays)
    assert restored["step"] == 3 and restored["best"] == float("inf") and restored["none"] is None
    np.testing.assert_array_equal(restored["params"][0]["w"], value["params"][0]["w"])
    assert restored["params"][0]["w"].dtype == np.float32


def test_a_damaged_checkpoint_says_so(tmp_path):
    (tmp_path / checkpoint.CHECKPOINT_FILE).write_bytes(b"not a checkpoint")
    with pytest.raises(Exception, match="is damaged .* delete it to start the run over"):
        checkpoint.read_checkpoint(tmp_path)
