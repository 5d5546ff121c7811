"""Rows drawn from a known law, with noise if asked: what the laws' tests search."""

import numpy as np
import sympy


def sample_law(ranges: dict[str, tuple[float, float]], law: str, n: int = 2000, noise: float = 0.0, seed: int = 0):
    """X (n, d) uniform over `ranges` and y (n,) the law there, plus `noise` of its spread."""
    rng = np.random.default_rng(seed)
    low, high = np.array(list(ranges.values())).T
    X = rng.uniform(low, high, (n, len(ranges)))
    y = law_function(ranges, law)(*X.T) * np.ones(n)
    return X, y + noise * y.std() * rng.standard_normal(n)


def law_function(ranges: dict[str, tuple[float, float]], law: str):
    """The law as a NumPy function; its names are symbols, never SymPy's constants (E, I, S)."""
    symbols = [sympy.Symbol(name, real=True) for name in ranges]
    return sympy.lambdify(symbols, sympy.sympify(law, locals=dict(zip(ranges, symbols))), "numpy")
