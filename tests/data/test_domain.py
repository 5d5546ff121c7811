"""Domains: parsing, sampling, containment and the extrapolation shells."""

import numpy as np
import pytest

from nnfit.data import SHELLS, Domain, Interval, Shell
from nnfit.errors import DomainError

RNG = np.random.default_rng(7)


def test_parse_names_ranges_and_kinds():
    domain = Domain.parse("x=0:100, y=0:1000:int, z=-1.5:2e3:real")
    assert domain.names == ("x", "y", "z")
    np.testing.assert_array_equal(domain.lo, [0, 0, -1.5])
    np.testing.assert_array_equal(domain.hi, [100, 1000, 2000])
    np.testing.assert_array_equal(domain.integer, [False, True, False])
    assert str(domain) == "x=0:100, y=0:1000:int, z=-1.5:2000"


def test_of_accepts_a_mapping():
    assert Domain.of({"x": (0, 1), "n": (1, 9, "int")}) == Domain.parse("x=0:1, n=1:9:int")


@pytest.mark.parametrize(
    "text, message",
    [
        ("x=5:5", "empty: 5:5"),
        ("x=1:0", "inverted: 1:0"),
        ("x=a:b", "'a' where a number belongs"),
        ("x", "cannot read domain part 'x'"),
        ("", "the domain is empty"),
        ("x=0:1:float", "unknown kind 'float'"),
        ("x=0:1, x=2:3", "'x' twice"),
        ("n=0.2:0.8:int", "holds no whole number"),
    ],
)
def test_bad_domains_say_why(text, message):
    with pytest.raises(DomainError, match=message):
        Domain.parse(text)


@pytest.mark.parametrize("method", ["uniform", "sobol", "lhs"])
def test_sampling_stays_inside_and_integers_are_whole(method):
    domain = Domain.parse("x=0:100, n=-3:7:int")
    X = domain.sample(512, np.random.default_rng(0), method)
    assert X.shape == (512, 2)
    assert domain.contains(X).all()
    np.testing.assert_array_equal(X[:, 1], np.round(X[:, 1]))
    assert set(X[:, 1]) == set(range(-3, 8))  # every whole value is reachable


def test_grid_covers_the_corners():
    X = Domain.parse("x=0:1, y=10:20").sample(100, RNG, "grid")
    assert X.shape == (100, 2)
    assert {(0.0, 10.0), (1.0, 20.0)} <= {tuple(p) for p in X}


def test_same_seed_same_samples():
    domain = Domain.parse("x=0:1, y=0:1")
    first, second = (domain.sample(50, np.random.default_rng(3)) for _ in range(2))
    np.testing.assert_array_equal(first, second)


def test_grown_box_around_the_centre():
    grown = Domain.parse("x=0:100, y=1:1000:int").grown(1.5)
    np.testing.assert_allclose(grown.lo, [-25, -249])  # 500.5 - 1.5 * 499.5 = -248.75, floored
    np.testing.assert_allclose(grown.hi, [125, 1250])


@pytest.mark.parametrize("shell", SHELLS)
def test_shell_points_lie_between_the_boxes(shell):
    domain = Domain.parse("x=0:100, y=0:1000:int")
    X = domain.sample_shell(shell, 3000, np.random.default_rng(1))
    assert len(X) == 3000
    assert domain.grown(shell.outer).contains(X).all()
    assert not domain.grown(shell.inner).contains(X).any()
    np.testing.assert_array_equal(X[:, 1], np.round(X[:, 1]))


def test_shell_names():
    assert [s.name for s in SHELLS] == ["1-1.5x", "1.5-2x"]
    assert Shell(1.0, 1.5) == SHELLS[0]


def test_contains_edges_and_outside():
    domain = Domain((Interval("x", 0, 1),))
    np.testing.assert_array_equal(domain.contains([[0.0], [1.0], [1.01], [-0.01]]), [True, True, False, False])
