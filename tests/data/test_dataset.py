"""nnfit.data._dataset: a target sampled or a file read into a split Dataset, checked before anything is allocated."""

import re

import numpy as np
import pytest

from nnfit import data
from nnfit.data import Domain, Target, _dataset
from nnfit.errors import DataError, DomainError
from nnfit.task import Task

RNG = np.random.default_rng(0)


def test_edges_holdout_keeps_the_outer_ranges_out(tmp_path, table):
    table.to_csv(tmp_path / "d.csv", index=False)
    _, domain, dataset = data.read(tmp_path / "d.csv", holdout="edges")
    X_edges, _ = dataset.holdout["edges"]
    lo, hi = table[["a", "b"]].min().to_numpy(), table[["a", "b"]].max().to_numpy()
    margin = 0.05 * (hi - lo)
    inner = np.all((dataset.X >= lo + margin) & (dataset.X <= hi - margin), axis=1)
    assert inner.all()
    X_calibrating, _ = dataset.calibration["edges"]
    # half the edge rows are measured, the other half calibrate the intervals beyond the box
    assert len(X_edges) + len(X_calibrating) + len(dataset.X) == len(table)
    assert 0 <= len(X_edges) - len(X_calibrating) <= 1
    assert not domain.contains(X_edges).any() and not domain.contains(X_calibrating).any()


def test_sampled_target_is_split_80_10_10():
    target = Target.from_formula("x**2")
    dataset = data.sample(target, Domain.parse("x=0:1"), 1000, "uniform", (0.8, 0.1, 0.1), RNG)
    assert (len(dataset.train), len(dataset.val), len(dataset.test)) == (800, 100, 100)
    rows = np.concatenate([dataset.train, dataset.val, dataset.test])
    np.testing.assert_array_equal(np.sort(rows), np.arange(1000))
    np.testing.assert_allclose(dataset.y[:, 0], dataset.X[:, 0] ** 2)


def test_undefined_target_says_where_and_how_much():
    with pytest.raises(DataError) as caught:
        data.sample(Target.from_formula("log(x)"), Domain.parse("x=-1:1"), 1000, "uniform", (0.8, 0.1, 0.1), RNG)
    match = re.search(
        r"NaN or inf at (\d+) of 1000 sampled points \((\S+) %\), where x in \[(\S+), (\S+)\]", str(caught.value)
    )
    count, percent, lo, hi = int(match[1]), float(match[2]), float(match[3]), float(match[4])
    assert 400 < count < 600 and percent == pytest.approx(count / 10, abs=0.05)
    assert -1 <= lo < -0.9 and -0.05 < hi <= 0  # the bad region is x <= 0


@pytest.mark.parametrize(
    "task, message",
    [
        (Task(target="x + y", domain="x=0:1"), "no range for 'y'"),
        (Task(target="x", domain="x=0:1, q=0:1"), "range for 'q', which the target does not use"),
        (Task(target="x"), "no range for 'x'"),
        (Task(target="x", domain="x=0:1", inputs=("q",)), "uses x but --inputs lists only q"),
        (Task(target="x + e", domain="x=0:1, e=0:1"), "'e' is the constant E in formulas, not a variable"),
    ],
)
def test_domain_must_match_the_target(task, message):
    with pytest.raises(DomainError, match=message):
        data.prepare(task, RNG)


def test_declared_inputs_add_unused_ones_in_order():
    task = Task(target="x3 - x2", inputs=("x0", "x1", "x2", "x3"), domain="x3=0:1, x2=0:1, x1=0:1, x0=0:1", samples=100)
    target, domain, dataset = data.prepare(task, RNG)
    assert target.inputs == domain.names == ("x0", "x1", "x2", "x3")
    np.testing.assert_allclose(dataset.y[:, 0], dataset.X[:, 3] - dataset.X[:, 2])


def test_domain_order_sets_the_input_order():
    target, _domain, dataset = data.prepare(Task(target="x - y", domain="y=0:1, x=5:6", samples=50), RNG)
    assert target.inputs == ("y", "x")
    np.testing.assert_allclose(dataset.y[:, 0], dataset.X[:, 1] - dataset.X[:, 0])


def test_callable_target_with_named_inputs():
    target, _, dataset = data.prepare(Task(samples=50), RNG, lambda x, y: x * y, {"x": (0, 1), "y": (2, 3)})
    assert target.inputs == ("x", "y")
    np.testing.assert_allclose(dataset.y[:, 0], dataset.X[:, 0] * dataset.X[:, 1])


def test_samples_that_would_not_fit_in_memory_are_refused_before_allocating(monkeypatch):
    monkeypatch.setattr(_dataset, "available_memory", lambda: 8 * 2**30)
    with pytest.raises(
        DataError,
        match=r"2,000,000,000 samples of 3 values need about 1,072.9 GiB, but 8.0 GiB of "
        r"memory is available — use fewer --samples",
    ):
        data.sample(
            Target.from_formula("x**2 + y"),
            Domain.parse("x=0:1, y=0:1"),
            2_000_000_000,
            "uniform",
            (0.8, 0.1, 0.1),
            RNG,
        )


def test_the_memory_available_is_read_from_the_system():
    available = data.available_memory()
    assert available is None or 2**20 < available < 2**50
