"""Networks as pure functions of a parameter pytree: an MLP, or a single linear layer."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from ._backend import as_array, padded

Params = list[dict[str, jax.Array]]  # one {"w": (n_in, n_out), "b": (n_out,)} per layer

_TWO_PI_HIGH = 6.28125  # exact in 8 bits: turns * it loses nothing for |turns| < 2**15
_TWO_PI_LOW = 2 * math.pi - _TWO_PI_HIGH
_SIN_SERIES = tuple((-1) ** k / math.factorial(2 * k + 1) for k in range(7))  # 1, -1/3!, ..., 1/13!


def _sin(x: jax.Array) -> jax.Array:
    """sin(x), within 3e-7 for |x| < 1e3 in float32, at a quarter of the cost of XLA's on a CPU
    (one layer of 128 rows by 64 units, forward and gradient: 29 us against 117 us at |x| ~ 3, where
    gelu takes 25 us): a reduction by 2 pi in two parts (Cody-Waite), a fold to [-pi/2, pi/2], and
    the Taylor series to x**13 (its error there below 7e-10). XLA's range reduction also serves
    arguments of 1e30, which a unit's pre-activation never reaches. float64 keeps XLA's, to full precision."""
    if x.dtype == jnp.float64:
        return jnp.sin(x)
    turns = jnp.round(x * (0.5 / jnp.pi))
    r = (x - turns * _TWO_PI_HIGH) - turns * _TWO_PI_LOW  # in [-pi, pi]
    r = jnp.where(r > jnp.pi / 2, jnp.pi - r, jnp.where(r < -jnp.pi / 2, -jnp.pi - r, r))
    r2, series = r * r, jnp.zeros_like(r)
    for coefficient in _SIN_SERIES[::-1]:
        series = series * r2 + coefficient
    return r * series


ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "relu": jax.nn.relu,
    "tanh": jnp.tanh,
    "gelu": jax.nn.gelu,
    "silu": jax.nn.silu,
    "sigmoid": jax.nn.sigmoid,
    "sin": _sin,
}
OUTPUT_ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "none": lambda z: z,
    "softmax": lambda z: jax.nn.softmax(z, axis=-1),  # over the outputs: always 1 for one output
    "sigmoid": jax.nn.sigmoid,
    "relu": jax.nn.relu,
    "tanh": jnp.tanh,
}


def initial_draws(seed: int) -> np.random.Generator:
    """The random numbers of a run's initial weights: a stream of `seed` apart from the batches'
    (`BatchPlan` draws from (seed, epoch)): a spawn key pads the entropy, so the two never meet."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))


# He initialisation keeps ReLU-like units' activations, and sin units' pre-activations, at unit scale;
# Glorot suits the others.
_HE = ("relu", "gelu", "silu", "sin")
# Full float32 products on every device. A GPU's default rounds a float32 product's inputs to 10 bits
# (TF32): on an H100 a 512x64 by 64x64 product erred by 3.4e-4 of its largest value (CPU: 3.8e-7), a
# linear fit's weights by 1.8e-4 and the double slit's fit went 5.4e-3 to 1.1e-2, while nnfit fits reach
# 1e-5-1e-4. CPUs compute float32 products in full either way.
PRECISION = jax.lax.Precision.HIGHEST
# Rows of one compiled forward pass at most: memory stays bounded, and every large input runs one shape.
PREDICT_CHUNK = 1 << 16
# Above this many rows a set is padded to a power of four: a row's outputs do not depend on the rows
# padded beside it there (checked from 304 to 65 536 rows), while below it the product's kernel can
# change with the rows (a query point's prediction moved by one float32 ulp from 16 to 256 rows).
PREDICT_ROWS = 1 << 8


@dataclass(frozen=True)
class Network:
    """Layer sizes (inputs, hidden..., outputs) and activations; hashable, so a static jit argument."""

    sizes: tuple[int, ...]
    activation: str = "tanh"
    output_activation: str = "none"

    @classmethod
    def build(
        cls, model: str, n_in: int, n_out: int, hidden: tuple[int, ...], activation: str, output_activation: str
    ) -> Network:
        """An MLP with `hidden` widths, or for model "linear" a single affine layer."""
        widths = () if model == "linear" else tuple(hidden)
        return cls((n_in, *widths, n_out), activation, output_activation)

    @property
    def n_params(self) -> int:
        return sum((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:]))

    def init(self, rng: np.random.Generator, dtype: jnp.dtype = jnp.float32) -> Params:
        """Normal weights with variance 2/fan_in (He) for ReLU-like and sin hidden layers, 2/(fan_in+fan_out)
        (Glorot) elsewhere; zero biases, but for sin units a phase uniform in [-pi, pi].

        Drawn by NumPy from `rng` (a run's comes from `initial_draws`), not by `jax.random`: XLA compiles a program per
        shape of a JAX draw (0.2-0.3 s each, 1.5 s of a first fit's probes on a new machine), NumPy
        none; the draws are a few thousand numbers, taken once per run."""
        params = []
        n_layers = len(self.sizes) - 1
        drawn = np.float32 if jnp.dtype(dtype) == jnp.float32 else np.float64
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            hidden = i < n_layers - 1
            he = self.activation in _HE and hidden
            std = (2.0 / n_in) ** 0.5 if he else (2.0 / (n_in + n_out)) ** 0.5
            weights = std * rng.standard_normal((n_in, n_out), dtype=drawn)
            bias = rng.uniform(-np.pi, np.pi, n_out) if self.activation == "sin" and hidden else np.zeros(n_out)
            params.append({"w": as_array(weights, dtype), "b": as_array(bias, dtype)})
        return params

    def hidden_outputs(self, params: Params, x: jax.Array) -> list[jax.Array]:
        """Each hidden layer's activations (n, width) for inputs x (n, n_in), first layer first."""
        hidden, outputs = ACTIVATIONS[self.activation], []
        for layer in params[:-1]:
            x = hidden(_affine(layer, x))
            outputs.append(x)
        return outputs

    def __call__(self, params: Params, x: jax.Array) -> jax.Array:
        """Outputs (n, n_out) for inputs x (n, n_in), both in scaled units."""
        last = self.hidden_outputs(params, x)[-1] if len(params) > 1 else x
        return OUTPUT_ACTIVATIONS[self.output_activation](_affine(params[-1], last))

    def predict(self, params: Params, z: np.ndarray, members: int = 1) -> np.ndarray:
        """Outputs (members, n, n_out), float64, for inputs z (n, n_in) in scaled units; `params` has a
        leading members axis when members > 1. Compiled, where op by op a sample of 160 000 rows through
        64-64-64 sin units took 1.6 s against 0.05 s: rows are padded to a power of two up to
        PREDICT_ROWS, a power of four beyond (up to PREDICT_CHUNK, then taken a chunk at a time), so
        that differently sized sets compile nine shapes at most, not one each. The caller's x64
        setting holds, as for `__call__`."""
        dtype = jax.tree.leaves(params)[0].dtype
        size = 1 << max(len(z) - 1, 15).bit_length()  # 16 rows at least
        if size > PREDICT_ROWS:
            size = PREDICT_ROWS
            while size < min(len(z), PREDICT_CHUNK):
                size *= 4
        parts = [np.empty((members, 0, self.sizes[-1]))]
        for start in range(0, len(z), size):
            block = z[start : start + size]
            out = _outputs(self, members, params, as_array(padded(block, size), dtype))
            parts.append(np.asarray(out, np.float64)[:, : len(block)])
        return np.concatenate(parts, axis=1)


@partial(jax.jit, static_argnums=(0, 1))
def _outputs(network: Network, members: int, params: Params, z: jax.Array) -> jax.Array:
    """`network`'s outputs (members, n, n_out) at z (n, n_in); compiled once per network, members and shape."""
    if members == 1:
        return network(params, z)[None]
    return jax.vmap(network, in_axes=(0, None))(params, z)


def _affine(layer: dict[str, jax.Array], x: jax.Array) -> jax.Array:
    """x (n, n_in) @ w (n_in, n_out) + b, at PRECISION."""
    return jnp.dot(x, layer["w"], precision=PRECISION) + layer["b"]
