"""Exports: ONNX, a NumPy-only file and JSON each predict as `Fit.predict` does, in the user's units,
inside the domain and beyond it; each carries names, domain and scalers; nothing is overwritten."""

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

import nnfit
from nnfit.domain import SHELLS

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


@pytest.fixture(scope="module", params=list(FITS))
def fitted(request):
    formula, domain, settings = FITS[request.param]
    return nnfit.fit(formula, domain=domain, samples=2000, steps=300, **settings)


def points(fit):
    """In-domain points and points of both extrapolation shells (up to 2x the domain)."""
    rng = np.random.default_rng(1)
    return np.concatenate([fit.domain.sample(200, rng)] + [fit.domain.sample_shell(s, 200, rng) for s in SHELLS])


def assert_matches(predicted, fit, X):
    expected = fit.predict(X)
    np.testing.assert_allclose(predicted, expected, rtol=RTOL, atol=RTOL * np.abs(expected).max())


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


def test_numpy_file_predicts_with_numpy_alone(fitted, tmp_path):
    files = fitted.export(tmp_path / "predictor.py")
    assert [f.name for f in files] == ["predictor.py", "predictor.npz"]
    X = points(fitted)
    np.save(tmp_path / "X.npy", X)
    script = (
        "import sys, numpy as np; import predictor; np.save('Y.npy', predictor.predict(np.load('X.npy'))); "
        "assert not {'jax', 'nnfit', 'scipy'} & set(sys.modules), 'imported more than NumPy'"
    )
    subprocess.run([sys.executable, "-c", script], cwd=tmp_path, check=True)
    assert_matches(np.load(tmp_path / "Y.npy"), fitted, X)


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


@pytest.fixture(scope="module")
def small():
    return nnfit.fit("x", domain="x=0:1", samples=300, steps=50)


def test_missing_onnx_names_the_install_command(small, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if not installed
    with pytest.raises(nnfit.NnfitError, match=r'pip install "nnfit\[onnx\]"'):
        small.export(tmp_path / "model.onnx")
    assert not (tmp_path / "model.onnx").exists()


@pytest.mark.parametrize(
    "name, format, message",
    [
        ("model.txt", None, "cannot tell the export format from 'model.txt'"),
        ("model.json", "onnx", "an onnx export is a .onnx file; got model.json"),
        ("model.json", "pickle", "unknown export format 'pickle'"),
    ],
)
def test_bad_export_requests(small, tmp_path, name, format, message):
    with pytest.raises(nnfit.NnfitError, match=message):
        small.export(tmp_path / name, format)


def test_cli_export_writes_beside_the_run_and_never_overwrites(small, cli, tmp_path):
    small.save(tmp_path / "run", report=False)
    first = cli("export", str(tmp_path / "run"), "--format", "json")
    assert first.code == 0 and first.out.strip() == f"wrote {tmp_path / 'run' / 'model.json'}"
    before = (tmp_path / "run" / "model.json").read_bytes()
    again = cli("export", str(tmp_path / "run"), "--format", "json")
    assert again.code == 2 and again.err.strip() == (
        f"nnfit: error: {tmp_path / 'run' / 'model.json'} already exists — choose another --out, or remove it first"
    )
    assert (tmp_path / "run" / "model.json").read_bytes() == before


@pytest.fixture(scope="module")
def with_law(tmp_path_factory):
    path = tmp_path_factory.mktemp("law") / "run"
    nnfit.fit("x**2 + x", domain="x=1:1000", samples=1000, steps=50, discover=True).save(path, report=False)
    return path


@pytest.mark.parametrize(("format", "file"), [("python", "law.py"), ("json", "law.json"), ("onnx", "law.onnx")])
def test_cli_exports_a_runs_law_beside_it(with_law, cli, format, file):
    outcome = cli("export", str(with_law), "--law", "--format", format)
    assert outcome.code == 0 and outcome.out.strip() == f"wrote {with_law / file}"
    law = nnfit.load(with_law).laws[0]
    x = np.array([[0.5], [3000.0]])  # far outside the domain, where only the law holds
    if format == "python":
        spec = importlib.util.spec_from_file_location("law", with_law / file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        np.testing.assert_array_equal(module.predict(x), [0.75, 9_003_000.0])
    elif format == "json":
        assert json.loads((with_law / file).read_text())["formula"] == "x**2 + x"
    else:
        ort = pytest.importorskip("onnxruntime")
        (y,) = ort.InferenceSession(str(with_law / file)).run(None, {"X": x})
        np.testing.assert_array_equal(y[:, 0], law.predict(x))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--law", "--format", "numpy"), "a law exports as sympy, latex, python, json, onnx; got --format numpy"),
        (("--format", "latex"), "--format latex writes a law: add --law (for a run fitted with --discover)"),
    ],
)
def test_cli_law_export_names_what_is_wrong(with_law, cli, args, message):
    outcome = cli("export", str(with_law), *args)
    assert outcome.code == 2 and outcome.err == f"nnfit: error: {message}\n"


def test_cli_law_export_of_a_run_without_discover_says_how(small, cli, tmp_path):
    small.save(tmp_path / "plain", report=False)
    outcome = cli("export", str(tmp_path / "plain"), "--law", "--format", "python")
    assert outcome.code == 2
    assert outcome.err == f"nnfit: error: {tmp_path / 'plain'} holds no law: fit it with --discover to search for one\n"
