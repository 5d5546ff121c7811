"""Networks as pure functions of a parameter pytree: an MLP, or a single linear layer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp

Params = list[dict[str, jax.Array]]  # one {"w": (n_in, n_out), "b": (n_out,)} per layer

ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "relu": jax.nn.relu,
    "tanh": jnp.tanh,
    "gelu": jax.nn.gelu,
    "silu": jax.nn.silu,
    "sigmoid": jax.nn.sigmoid,
    "sin": jnp.sin,
}
OUTPUT_ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "none": lambda z: z,
    "softmax": lambda z: jax.nn.softmax(z, axis=-1),  # over the outputs: always 1 for one output
    "sigmoid": jax.nn.sigmoid,
    "relu": jax.nn.relu,
    "tanh": jnp.tanh,
}
# He initialisation keeps ReLU-like units' activations at unit scale; Glorot suits the others.
_HE = ("relu", "gelu", "silu")
# Full float32 products on every device. A GPU's default rounds a float32 product's inputs to 10 bits
# (TF32): on an H100 a 512x64 by 64x64 product erred by 3.4e-4 of its largest value (CPU: 3.8e-7), a
# linear fit's weights by 1.8e-4 and the double slit's fit went 5.4e-3 to 1.1e-2, while nnfit fits reach
# 1e-5-1e-4. CPUs compute float32 products in full either way.
PRECISION = jax.lax.Precision.HIGHEST


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

    def init(self, key: jax.Array, dtype: jnp.dtype = jnp.float32) -> Params:
        """Normal weights with variance 2/fan_in (He) for ReLU-like hidden layers, 2/(fan_in+fan_out)
        (Glorot) elsewhere; zero biases."""
        params = []
        n_layers = len(self.sizes) - 1
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            key, sub = jax.random.split(key)
            he = self.activation in _HE and i < n_layers - 1
            std = (2.0 / n_in) ** 0.5 if he else (2.0 / (n_in + n_out)) ** 0.5
            params.append(
                {"w": (std * jax.random.normal(sub, (n_in, n_out))).astype(dtype), "b": jnp.zeros((n_out,), dtype)}
            )
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


def _affine(layer: dict[str, jax.Array], x: jax.Array) -> jax.Array:
    """x (n, n_in) @ w (n_in, n_out) + b, at PRECISION."""
    return jnp.dot(x, layer["w"], precision=PRECISION) + layer["b"]
