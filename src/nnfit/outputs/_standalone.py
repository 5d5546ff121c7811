"""Predict with an nnfit model using NumPy alone: this file is copied next to its weights (.npz of
the same name) by ``nnfit export RUN --format numpy``. Inputs and outputs are in the user's units.

    import model                           # this file, saved as model.py beside model.npz
    y = model.predict(X)                   # X (n, d) with columns in model.INPUTS order -> y (n, k)
    lower, upper = model.predict_interval(X)   # the fit's COVERAGE intervals, each (n, k)
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np

_W = np.load(Path(__file__).with_suffix(".npz"), allow_pickle=False)
INPUTS = tuple(str(name) for name in _W["inputs"])
OUTPUTS = tuple(str(name) for name in _W["outputs"])
DOMAIN = {name: (float(lo), float(hi)) for name, lo, hi in zip(INPUTS, _W["domain_lo"], _W["domain_hi"])}
_LAYERS = int(_W["layers"])
COVERAGE = float(_W["interval_coverage"]) if "interval_coverage" in _W else None


def _gelu(z):  # the tanh approximation, as jax.nn.gelu computes by default
    return 0.5 * z * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (z + 0.044715 * z**3)))


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


_HIDDEN: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "gelu": _gelu,
    "silu": lambda z: z / (1.0 + np.exp(-z)),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "sin": np.sin,
}
_OUTPUT: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "none": lambda z: z,
    "softmax": _softmax,
    "sigmoid": _HIDDEN["sigmoid"],
    "relu": _HIDDEN["relu"],
    "tanh": np.tanh,
}


def predict(X):
    """Predictions (n, k) at X (n, d) or (d,): the mean over the ensemble's members when there are several."""
    X = np.asarray(X, dtype=np.float64).reshape(-1, len(INPUTS))
    features, factor = _grouped(X)
    # scaling in float64, the network in the precision it was trained in (that of its weights)
    features = _logged(features, _W.get("x_pivot"), inverse=False)
    h = ((features - _W["x_shift"]) / _W["x_scale"]).astype(_W["w0"].dtype)[None]  # (1, n, d): over members
    hidden, output = _HIDDEN[str(_W["activation"])], _OUTPUT[str(_W["output_activation"])]
    for i in range(_LAYERS):
        h = h @ _W[f"w{i}"] + _W[f"b{i}"][:, None, :]  # w (members, n_in, n_out), b (members, n_out)
        h = hidden(h) if i < _LAYERS - 1 else output(h)
    y = _logged(h.astype(np.float64) * _W["y_scale"] + _W["y_shift"], _W.get("y_pivot"), inverse=True)
    return y.mean(axis=0) * factor


def predict_interval(X):
    """The bounds (n, k) of the prediction intervals at X, each meant to hold a new point's value with
    probability COVERAGE; NaN at points farther from the domain's centre than the intervals were
    calibrated (in half-widths of the domain, along the input farthest out)."""
    if COVERAGE is None:
        raise ValueError("this model was exported without intervals: export it again with nnfit 0.9 or later")
    X = np.asarray(X, dtype=np.float64).reshape(-1, len(INPUTS))
    lo, hi = (np.array([DOMAIN[name][i] for name in INPUTS]) for i in (0, 1))
    offsets = np.abs(X - (lo + hi) / 2) / ((hi - lo) / 2)  # in half-widths of the domain, per input
    farthest = offsets.argmax(axis=1)
    reaches, widths = _W["interval_reaches"], _W["interval_half_widths"]  # (bands,), (bands, faces, k)
    band = np.searchsorted(reaches, offsets.max(axis=1) - 1e-9, side="left")
    face = np.where(band == 0, 0, 2 * farthest + (X[np.arange(len(X)), farthest] > ((lo + hi) / 2)[farthest]))
    half = np.full((len(X), widths.shape[2]), np.nan)
    known = band < len(reaches)
    half[known] = widths[band[known], face[known]]
    y = predict(X)
    return y - half, y + half


def _grouped(X):
    """The network's features (n, d') and the output's factor (n, 1) when the model learned the
    target's groups (see nnfit.units._groups): kept columns, then products of powers of the others; else X and 1."""
    if "groups_kept" not in _W:
        return X, 1.0
    pivot = _W["groups_pivot"]
    with np.errstate(over="ignore"):
        logs = np.log(np.maximum(X / np.where(pivot != 0, pivot, 1.0), _W["groups_floor"]))
        products = np.exp(logs @ _W["groups_powers"].reshape(len(pivot), -1))
        return np.column_stack([X[:, _W["groups_kept"] != 0], products]), np.exp(logs @ _W["groups_factor"])[:, None]


def _logged(values, pivot, inverse):
    """log(max(v / pivot, 1)) on the columns with a non-zero pivot (the log transform), or its inverse."""
    if pivot is None or not np.any(pivot):
        return values
    safe = np.where(pivot != 0, pivot, 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        changed = np.exp(values) * safe if inverse else np.log(np.maximum(values / safe, 1.0))
    return np.where(pivot != 0, changed, values)
