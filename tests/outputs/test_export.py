"""Exports: ONNX, a NumPy-only file and JSON each predict as `Fit.predict` does, in the user's units,
inside the domain and beyond it; each carries names, domain and scalers; nothing is overwritten."""

import json

import numpy as np
import pytest
from exported import assert_matches, points


def test_onnx_predicts_in_user_units_with_names_and_domain_inside(fitted, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    (path,) = fitted.export(tmp_path / "model.onnx")
    session = ort.InferenceSession(str(path))
    X = points(fitted)
    assert_matches(session.run(None, {"X": X.astype(np.float32)})[0], fitted, X)
    meta = session.get_modelmeta().custom_metadata_map
    assert json.loads(meta["nnfit.inputs"]) == list(fitted.inputs)
    assert [d["name"] for d in json.loads(meta["nnfit.domain"])] == list(fitted.inputs)
    assert json.loads(meta["nnfit.recipe"])["hidden"] == list(fitted.recipe.hidden)


def test_json_holds_everything_needed_to_predict(fitted, tmp_path):
    (path,) = fitted.export(tmp_path / "model.json")
    model = json.loads(path.read_text())
    X = points(fitted)
    assert_matches(predict_from_json(model, X), fitted, X)
    assert model["inputs"] == list(fitted.inputs) and model["format_version"] == 1
    assert [(d["lo"], d["hi"]) for d in model["domain"]] == [(iv.lo, iv.hi) for iv in fitted.domain.intervals]


def predict_from_json(model: dict, X: np.ndarray) -> np.ndarray:
    """An independent reading of the JSON format's documented forward pass."""
    dtype = np.float64 if model["dtype"] == "float64" else np.float32
    activations = {
        "tanh": np.tanh,
        "relu": lambda z: np.maximum(z, 0),
        "none": lambda z: z,
        "sin": np.sin,
        "gelu": lambda z: 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3))),
    }
    x_scaler, y_scaler = model["x_scaler"], model["y_scaler"]
    x_pivot, y_pivot = np.array(x_scaler["pivot"]), np.array(y_scaler["pivot"])
    factor = 1.0
    if "groups" in model:  # kept columns, then products of powers; the output times a factor
        groups = {name: np.array(value) for name, value in model["groups"].items()}
        pivot = groups["pivot"]
        logs = np.log(np.maximum(X / np.where(pivot != 0, pivot, 1.0), groups["floor"]))
        factor = np.exp(logs @ groups["factor"])[:, None]
        X = np.column_stack([X[:, groups["kept"] != 0], np.exp(logs @ groups["powers"])])
    X = np.where(x_pivot != 0, np.log(np.maximum(X / np.where(x_pivot != 0, x_pivot, 1), 1)), X)
    outputs = []
    for member in model["members"]:
        z = ((X - np.array(x_scaler["shift"])) / np.array(x_scaler["scale"])).astype(dtype)
        for i, layer in enumerate(member):
            z = z @ np.array(layer["w"], dtype) + np.array(layer["b"], dtype)
            last = i == len(member) - 1
            z = activations[model["network"]["output_activation" if last else "activation"]](z)
        y = z.astype(np.float64) * np.array(y_scaler["scale"]) + np.array(y_scaler["shift"])
        with np.errstate(over="ignore", invalid="ignore"):  # exp of the columns left linear is not used
            outputs.append(np.where(y_pivot != 0, np.exp(y) * y_pivot, y))
    return np.mean(outputs, axis=0) * factor


def test_the_numpy_module_and_json_give_the_fits_intervals(fitted, tmp_path):
    import importlib.util

    X = np.concatenate([points(fitted), fitted.domain.grown(3.0).hi[None]])  # the last past the 2x box
    lower, upper = fitted.predict_interval(X)
    (module_path, _) = fitted.export(tmp_path / "model.py")
    spec = importlib.util.spec_from_file_location("exported_model", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    low, high = module.predict_interval(X)
    assert module.COVERAGE == fitted.recipe.coverage
    # the same points past the calibrated reach: the last, and any an integer input's rounding puts past 2x
    np.testing.assert_array_equal(np.isnan(low), np.isnan(lower))
    calibrated = ~np.isnan(lower).any(axis=1)
    assert np.isnan(lower[-1]).all() and calibrated.mean() > 0.9
    assert_matches(low[calibrated], fitted, X[calibrated], expected=lower[calibrated])
    assert_matches(high[calibrated], fitted, X[calibrated], expected=upper[calibrated])
    (json_path,) = fitted.export(tmp_path / "model.json")
    intervals = json.loads(json_path.read_text())["intervals"]
    assert intervals["coverage"] == fitted.recipe.coverage and intervals["reaches"][-1] == 2.0
    np.testing.assert_allclose(intervals["half_widths"], fitted.calibration.table(fitted.recipe.coverage))
