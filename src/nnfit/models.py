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
            x = hidden(x @ layer["w"] + layer["b"])
            outputs.append(x)
        return outputs

    def __call__(self, params: Params, x: jax.Array) -> jax.Array:
        """Outputs (n, n_out) for inputs x (n, n_in), both in scaled units."""
        hidden = ACTIVATIONS[self.activation]
        for layer in params[:-1]:
            x = hidden(x @ layer["w"] + layer["b"])
        return OUTPUT_ACTIVATIONS[self.output_activation](x @ params[-1]["w"] + params[-1]["b"])
