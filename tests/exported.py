"""The fits every export is checked on, and how: at points inside the domain and on both shells
beyond it, each prediction within RTOL of `Fit.predict`'s."""

import numpy as np

from nnfit.data import SHELLS

FITS = {  # name -> formula, domain, settings
    "1-D": ("x**2 + x", "x=1:1000", {}),
    "2-D ensemble": ("x^2 + 2*y", "x=0:100, y=0:999:int", {"ensemble": 3}),
    "6-D gelu": ("u*v + w**2 - p*q + sin(r)", "u=-1:1, v=-1:1, w=-1:1, p=-1:1, q=-1:1, r=-3:3", {"activation": "gelu"}),
    "linear": ("x3 - x2", "x0=0:1, x1=0:1, x2=0:1, x3=0:1", {"model": "linear", "inputs": ["x0", "x1", "x2", "x3"]}),
    # log-transformed inputs and a negative output: the log and its inverse inside each export
    "log-log sin": (
        "-n*p**2/T",
        "n=1:5, p=1:5, T=1:5",
        {"input_scaling": "log", "output_scaling": "log", "activation": "sin"},
    ),
    # the target's groups: features (theta, d/lambda_) in, a factor I0 out, inside each export
    "groups": (
        "I0*cos(2*d*theta/lambda_)**2",
        "I0=1:2, d=1:5, theta=-0.5:0.5, lambda_=0.5:1",
        {"groups": "on", "input_scaling": "log"},
    ),
}


RTOL = 1e-5  # relative to each value, or to the largest magnitude compared where values pass near 0


def points(fit):
    """In-domain points and points of both extrapolation shells (up to 2x the domain)."""
    rng = np.random.default_rng(1)
    return np.concatenate([fit.domain.sample(200, rng)] + [fit.domain.sample_shell(s, 200, rng) for s in SHELLS])


def assert_matches(predicted, fit, X, expected=None):
    """`predicted` within RTOL of `expected`: `Fit.predict(X)` unless given (bounds of intervals)."""
    expected = fit.predict(X) if expected is None else expected
    np.testing.assert_allclose(predicted, expected, rtol=RTOL, atol=RTOL * np.abs(expected).max())
