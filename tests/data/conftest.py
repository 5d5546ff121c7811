"""What the data tests share: a small table of two inputs, one of them integer, and an exact output."""

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def table() -> pd.DataFrame:
    """200 rows of a in [0, 10), b in 0..4, and y = 2a - b."""
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0, 10, 200), rng.integers(0, 5, 200)
    return pd.DataFrame({"a": a, "b": b, "y": 2 * a - b})
