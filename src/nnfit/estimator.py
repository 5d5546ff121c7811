"""`NNFitRegressor`: nnfit's default recipe as a scikit-learn estimator, for pipelines and searches.

Its parameters are the Recipe's fields (one table, `nnfit.recipe`) plus `validation_fraction`;
`fit` trains exactly as `nnfit.fit` does on a data file, and `fit_` is the resulting `Fit`, so
`fit_.export(...)`, `fit_.findings` and `fit_.save(...)` work as they do on any fit.
"""

from __future__ import annotations

import inspect
from typing import Any, Literal, overload

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .data import Dataset, Domain, Interval, Target
from .fitting import Conductor, Fit
from .recipe import Recipe
from .task import Task

# held out of training for early stopping and the doctor's checks, as MLPRegressor's default
VALIDATION_FRACTION = 0.1
PARAMS: dict[str, Any] = {**Recipe.defaults(), "validation_fraction": VALIDATION_FRACTION}


class NNFitRegressor(RegressorMixin, BaseEstimator):
    """A neural-network regressor trained with nnfit's automatic recipe (scalings, units and model
    chosen on the data, a linear model when no network beats it; Adam with a cosine schedule,
    the best validation weights kept). X (n, d) and y (n,) or (n, k); a DataFrame's
    column names become the input names. Parameters: every `nnfit.Recipe` field, and
    `validation_fraction` of the rows held out for early stopping (none below 2 rows).

    >>> NNFitRegressor(hidden=(32, 32), steps=5000).fit(X, y).predict(X_new)
    """

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(PARAMS)
        if unknown:
            raise TypeError(f"NNFitRegressor got an unexpected keyword argument {min(unknown)!r}")
        for name, default in PARAMS.items():
            setattr(self, name, params.get(name, default))

    # scikit-learn reads the parameters from the signature: list every one, with its default
    __init__.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # read by inspect.signature
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value) for name, value in PARAMS.items()]
    )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def fit(self, X: Any, y: Any) -> NNFitRegressor:
        """Train the default recipe, with this estimator's parameters, on X and y.

        Args:
            X: inputs (n, d): an array, or a DataFrame whose column names become the input names.
            y: targets (n,) or (n, k).

        Returns:
            self, with the `Fit` in `fit_`.

        Raises:
            NnfitError: a recipe value the Recipe refuses.
        """
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=np.float64)
        self._y_1d = y.ndim == 1
        Y = y.reshape(len(y), -1)
        inputs = tuple(getattr(self, "feature_names_in_", [f"x{i}" for i in range(X.shape[1])]))
        outputs = ("y",) if Y.shape[1] == 1 else tuple(f"y{j}" for j in range(Y.shape[1]))
        recipe = Recipe(**{name: getattr(self, name) for name in Recipe.params()})
        rng = np.random.default_rng(recipe.seed)
        order = rng.permutation(len(X))
        n_val = round(self.validation_fraction * len(X)) if len(X) >= 2 else 0
        if n_val == 0:  # nothing to validate on: early stopping has no signal
            recipe = recipe.replace(early_stopping=False)
        dataset = Dataset(X, Y, inputs, outputs, order[n_val:], order[:n_val], order[:0])
        target = Target(inputs, outputs, "data", "arrays passed to NNFitRegressor.fit")
        self.fit_: Fit = Conductor(target, _domain(X, inputs), dataset, Task(), recipe, rng).fit()
        return self

    @overload
    def predict(self, X: Any, return_interval: Literal[False] = False) -> np.ndarray: ...
    @overload
    def predict(self, X: Any, return_interval: Literal[True] | float) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
    def predict(
        self, X: Any, return_interval: bool | float = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Predictions in the units of y, and with `return_interval` their prediction intervals
        (`Fit.predict_interval`: split conformal on the validation rows).

        Args:
            X: inputs (n, d), as at fit.
            return_interval: True for intervals at the `coverage` parameter (0.9), or a coverage in
                (0, 1) such as 0.95.

        Returns:
            (n,) for a 1-D y at fit, else (n, k); with `return_interval`, (predictions, lower, upper),
            each of that shape, the bounds NaN at rows beyond the box the intervals were calibrated in.
        """
        check_is_fitted(self, "fit_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        shaped = (lambda a: a.ravel()) if self._y_1d else (lambda a: a)
        if return_interval is False:
            return shaped(self.fit_.predict(X))
        coverage = None if return_interval is True else float(return_interval)
        lower, upper = self.fit_.predict_interval(X, coverage)
        return shaped(self.fit_.predict(X)), shaped(lower), shaped(upper)


def _domain(X: np.ndarray, names: tuple[str, ...]) -> Domain:
    """The box the rows of X (n, d) span; a constant column gets the narrowest range around its value."""
    intervals = []
    for column, name in zip(X.T, names):
        lo, hi = float(column.min()), float(column.max())
        if lo == hi:
            lo, hi = np.nextafter(lo, -np.inf), np.nextafter(hi, np.inf)
        intervals.append(Interval(name, lo, hi, bool(np.all(column == np.round(column)))))
    return Domain(tuple(intervals))
