"""Networks: shapes, parameter counts, initial scale and output activations."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nnfit
from nnfit.engine._network import ACTIVATIONS, Network, initial_draws


def test_mlp_and_linear_shapes():
    mlp = Network.build("mlp", 2, 3, (40, 24, 12), "relu", "none")
    linear = Network.build("linear", 4, 1, (40,), "relu", "none")
    assert mlp.sizes == (2, 40, 24, 12, 3) and linear.sizes == (4, 1)
    assert mlp.n_params == 3 * 40 + 41 * 24 + 25 * 12 + 13 * 3
    params = mlp.init(np.random.default_rng(0))
    assert mlp(params, jnp.ones((5, 2))).shape == (5, 3)


@pytest.mark.parametrize("activation", sorted(set(ACTIVATIONS) - {"sigmoid"}))  # sigmoid is not zero-centred
def test_initial_outputs_are_order_one(activation):
    network = Network((3, 64, 64, 1), activation)
    out = network(network.init(np.random.default_rng(1)), jax.random.normal(jax.random.key(2), (4096, 3)))
    assert 0.05 < float(jnp.std(out)) < 5


def test_softmax_over_one_output_is_exactly_one():
    network = Network((1, 8, 1), "relu", "softmax")
    out = network(network.init(np.random.default_rng(0)), jnp.linspace(-1000, 1000, 11)[:, None])
    np.testing.assert_array_equal(np.asarray(out), 1.0)


def test_init_depends_only_on_the_seed():
    network = Network((2, 5, 1), "sin")
    a, b, c = (network.init(initial_draws(seed)) for seed in (3, 3, 4))
    for la, lb, lc in zip(a, b, c):
        np.testing.assert_array_equal(la["w"], lb["w"])
        np.testing.assert_array_equal(la["b"], lb["b"])
        assert not np.array_equal(la["w"], lc["w"])


def test_the_initial_weights_are_drawn_apart_from_the_batches():
    # the batches draw permutations from (seed, epoch): the weights' stream is another, whatever the seed
    draws = initial_draws(0).standard_normal(8)
    for seed, epoch in [(0, 0), (0, 1), (1, 0)]:
        assert not np.array_equal(draws, np.random.default_rng([seed, epoch]).standard_normal(8))


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_initial_parameters_have_the_runs_dtype_and_he_or_glorot_scale(dtype):
    network = Network((64, 256, 256, 16), "relu")
    with jax.enable_x64(dtype == jnp.float64):
        params = network.init(initial_draws(0), dtype)
        assert {layer["w"].dtype for layer in params} == {jnp.dtype(dtype)}
    # He's variance 2/fan_in in the hidden layers, Glorot's 2/(fan_in + fan_out) in the output: the
    # sample variances of 16 384, 65 536 and 4 096 draws, within 3 % each, to 10 %
    measured = [float(np.var(np.asarray(layer["w"], np.float64))) for layer in params]
    np.testing.assert_allclose(measured, [2 / 64, 2 / 256, 2 / 272], rtol=0.1)


def _products(jaxpr) -> list:
    """Every dot_general equation in `jaxpr`, nested ones (scans, custom derivatives) included."""
    found = []
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == "dot_general":
            found.append(eqn)
        for param in eqn.params.values():
            inner = getattr(param, "jaxpr", param)
            if hasattr(inner, "eqns"):
                found += _products(inner)
    return found


@pytest.mark.parametrize("model", ["mlp", "linear"])
def test_every_product_forward_and_backward_runs_at_full_float32_precision(model):
    # a GPU's default rounds float32 products to TF32 (10 bits), which caps a fit near 3e-4
    network = Network.build(model, 3, 2, (8, 8), "gelu", "none")
    params, x = network.init(np.random.default_rng(0)), jnp.ones((4, 3))
    loss = lambda p: jnp.sum(network(p, x) ** 2)
    products = _products(jax.make_jaxpr(jax.grad(loss))(params).jaxpr)
    layers = len(network.sizes) - 1  # each: forward, weights' gradient, and its input's but for the first
    assert len(products) == 3 * layers - 1
    highest = (jax.lax.Precision.HIGHEST, jax.lax.Precision.HIGHEST)
    assert [eqn.params["precision"] for eqn in products] == [highest] * len(products)


@pytest.mark.parametrize("scale", [0.1, 3.0, 30.0, 1000.0])
def test_sin_units_follow_numpys_sine_and_its_derivative(scale):
    # sin units compute their own sine, at a quarter of XLA's cost: measured within 2.5e-7, slope 3.4e-7
    x = jnp.asarray(np.random.default_rng(0).normal(size=10_000) * scale, jnp.float32)
    exact = np.asarray(x, np.float64)
    sin = ACTIVATIONS["sin"]
    np.testing.assert_allclose(np.asarray(sin(x), np.float64), np.sin(exact), rtol=0, atol=1e-6)
    np.testing.assert_allclose(np.asarray(jax.vmap(jax.grad(sin))(x), np.float64), np.cos(exact), rtol=0, atol=1e-6)


def test_sin_units_in_float64_keep_full_precision():
    with jax.enable_x64(True):
        x = jnp.linspace(-100.0, 100.0, 10_001, dtype=jnp.float64)
        np.testing.assert_allclose(np.asarray(ACTIVATIONS["sin"](x)), np.sin(np.asarray(x)), rtol=0, atol=1e-13)


@pytest.mark.parametrize(
    ("formula", "domain", "bound"),
    [
        # measured 5.3e-3 and 2.2e-2; with zero phases and Glorot weights, every unit started in sin's
        # linear part: 4.9e-2 and 0.25
        ("exp(-0.5*t)*cos(3*t)", "t=0:10", 1.6e-2),
        ("sin(x*y)**2", "x=0:6, y=0:3", 6.7e-2),
    ],
)
def test_sin_units_start_spread_over_a_period_and_fit_an_oscillation_early(formula, domain, bound):
    fit = nnfit.fit(formula, domain, auto=False, activation="sin", steps=3000)
    assert fit.evaluation["test"]["rrmse"] < bound


@pytest.mark.parametrize("rows", [300, 1000, 5000, 70_000])
def test_a_rows_prediction_does_not_depend_on_the_rows_predicted_beside_it(rows):
    network = Network((3, 64, 64, 1), "sin")
    params = network.init(np.random.default_rng(2))
    z = np.random.default_rng(0).normal(size=(rows, 3))
    # bit for bit on the CPU measured (RESULTS.md, version 0.9.1); another may pick another product
    # kernel for another row count, within float32 rounding
    np.testing.assert_allclose(
        network.predict(params, z)[:, :257], network.predict(params, z[:257]), rtol=1e-6, atol=1e-6
    )
