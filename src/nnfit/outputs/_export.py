"""Exports of a fit for use without nnfit, each carrying its scalers and domain with it.

    onnx   model.onnx: inputs and outputs in the user's units (scalers inside the graph); the input
           names, domain and recipe in its metadata. Needs `pip install "nnfit[onnx]"`.
    numpy  model.py + model.npz: a self-contained predictor needing only NumPy (`nnfit.outputs._standalone`).
    json   model.json: weights, scalers, domain and architecture, for any other language.

Every format holds each layer's weights with a leading members axis, (members, n_in, n_out), so an
ensemble exports as one model whose prediction is the members' mean.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from .._outfiles import format_of, fresh, onnx, onnx_model
from ..fitting import Fit
from ..intervals import Calibration
from ..units import Scaler
from ._rundir import describe

EXPORT_FORMATS = {"onnx": ".onnx", "numpy": ".py", "json": ".json"}  # format -> suffix of the file written
JSON_FORMAT = "nnfit-model"


def export(fit: Fit, path: str | Path, format: str | None = None) -> list[Path]:
    """Write `fit` in `format` ("onnx", "numpy" or "json"; by default the one its suffix names) to
    `path`; returns the files written. An existing file is never overwritten."""
    path = Path(path)
    format = format_of(path, format, EXPORT_FORMATS)
    written = [path, path.with_suffix(".npz")] if format == "numpy" else [path]
    fresh(*written)
    if format == "onnx":
        model = to_onnx(fit)  # before any file is made: a missing extra leaves nothing behind
        path.write_bytes(model.SerializeToString())
    elif format == "numpy":
        arrays: dict[str, Any] = _numpy_arrays(fit)  # Any: numpy's stub fears a key named allow_pickle
        np.savez(path.with_suffix(".npz"), **arrays)
        shutil.copyfile(Path(__file__).with_name("_standalone.py"), path)
    else:
        path.write_text(json.dumps(to_json(fit), indent=1) + "\n", encoding="utf-8")
    return written


def layers(fit: Fit) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each layer's weights (members, n_in, n_out) and biases (members, n_out), in the fit's dtype."""
    stacked = fit.params if fit.members > 1 else [{k: v[None] for k, v in layer.items()} for layer in fit.params]
    return [(np.asarray(layer["w"], fit.recipe.dtype), np.asarray(layer["b"], fit.recipe.dtype)) for layer in stacked]


def to_json(fit: Fit) -> dict:
    """The model as JSON values. To predict at x (d,): first x = log(max(x / pivot, 1)) for each
    column whose x_scaler.pivot is non-zero (the log transform); z = (x - x_scaler.shift) / x_scaler.scale;
    for each member and each layer, z = act(z @ w + b), with `activation` on hidden layers and
    `output_activation` on the last ("gelu" is its tanh approximation); then y = z * y_scaler.scale
    + y_scaler.shift, and y = exp(y) * pivot where y_scaler.pivot is non-zero; averaged over the
    members. With "groups" (the target's, see nnfit.units._groups), x is first replaced by its features:
    with l = log(max(x / pivot, floor)) (pivot 1 where 0), the kept columns of x, then exp(l @ powers);
    and y is multiplied at the end by exp(l @ factor). "intervals" holds the prediction intervals' table
    by cell (`_intervals`): y ± the half-widths of x's cell."""
    scaler = lambda s: {
        "kind": s.kind,
        "shift": s.shift.tolist(),
        "scale": s.scale.tolist(),
        "pivot": np.asarray(s.pivot).tolist(),
    }
    return {
        "format": JSON_FORMAT,
        **describe(fit),
        "x_scaler": scaler(fit.x_scaler),
        "y_scaler": scaler(fit.y_scaler),
        **(
            {"groups": {k[7:]: np.asarray(v).tolist() for k, v in fit.groups.to_arrays().items()}} if fit.groups else {}
        ),
        "members": [[{"w": w[m].tolist(), "b": b[m].tolist()} for w, b in layers(fit)] for m in range(fit.members)],
        **(
            {"intervals": {k: v.tolist() for k, v in _intervals(fit.calibration, fit.recipe.coverage).items()}}
            if fit.calibration
            else {}
        ),
        "recipe": fit.recipe.to_dict(),
    }


def _intervals(calibration: Calibration, coverage: float) -> dict[str, np.ndarray]:
    """The prediction intervals at `coverage`, as a table by cell: a point x (d,) lies in band b, the
    first whose reach is at least r = max_i |x_i - c_i| / h_i less 1e-9 (c and h the domain's centres
    and half-widths; b = 0 inside the box), and past face 2 i + (x_i > c_i) of the input i farthest
    out (face 0 inside); it takes the half-widths (k,) `half_widths[b, face]`; none beyond the last band."""
    table = calibration.table(coverage)
    calibrated = ~np.isnan(table).any(axis=(1, 2))
    return {
        "coverage": np.array(coverage),
        "reaches": np.asarray(calibration.reaches)[calibrated],
        "half_widths": table[calibrated],
    }


def _numpy_arrays(fit: Fit) -> dict[str, np.ndarray]:
    """What `nnfit.outputs._standalone` reads: names as string arrays, numbers as float64."""
    arrays = {
        "inputs": np.array(fit.inputs),
        "outputs": np.array(fit.outputs),
        "domain_lo": fit.domain.lo,
        "domain_hi": fit.domain.hi,
        "activation": np.array(fit.network.activation),
        "output_activation": np.array(fit.network.output_activation),
        "layers": np.array(len(fit.params)),
        "x_shift": fit.x_scaler.shift,
        "x_scale": fit.x_scaler.scale,
        "y_shift": fit.y_scaler.shift,
        "y_scale": fit.y_scaler.scale,
        "x_pivot": np.asarray(fit.x_scaler.pivot),
        "y_pivot": np.asarray(fit.y_scaler.pivot),
        **(fit.groups.to_arrays() if fit.groups is not None else {}),
        **(
            {f"interval_{k}": v for k, v in _intervals(fit.calibration, fit.recipe.coverage).items()}
            if fit.calibration
            else {}
        ),
    }
    for i, (w, b) in enumerate(layers(fit)):
        arrays[f"w{i}"], arrays[f"b{i}"] = w, b
    return arrays


def to_onnx(fit: Fit):
    """The fit as an onnx.ModelProto: input "X" (n, d) and output "Y" (n, k), float32 (float64 for a
    float64 fit), in the user's units."""
    package = onnx()
    TensorProto, helper, numpy_helper = package.TensorProto, package.helper, package.numpy_helper
    dtype, elem = (np.float64, TensorProto.DOUBLE) if fit.recipe.dtype == "float64" else (np.float32, TensorProto.FLOAT)
    initializers: list[Any] = []  # onnx TensorProto and NodeProto
    nodes: list[Any] = []

    def constant(name: str, value: np.ndarray | float) -> str:
        initializers.append(numpy_helper.from_array(np.asarray(value, dtype), name))
        return name

    def node(op: str, *inputs: str, **attributes) -> str:
        output = f"{op.lower()}{len(nodes)}"
        nodes.append(helper.make_node(op, list(inputs), [output], **attributes))
        return output

    def activation(kind: str, z: str) -> str:
        if kind == "none":
            return z
        if kind == "silu":
            return node("Mul", z, node("Sigmoid", z))
        if kind == "gelu":  # the tanh approximation, as jax.nn.gelu
            cube = node("Mul", z, node("Mul", z, z))
            inner = node(
                "Mul",
                constant(f"c{len(nodes)}", np.sqrt(2 / np.pi)),
                node("Add", z, node("Mul", constant(f"k{len(nodes)}", 0.044715), cube)),
            )
            half = node("Mul", constant(f"h{len(nodes)}", 0.5), z)
            return node("Mul", half, node("Add", constant(f"o{len(nodes)}", 1.0), node("Tanh", inner)))
        ops = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid", "sin": "Sin", "softmax": "Softmax"}
        return node(ops[kind], z, **({"axis": -1} if kind == "softmax" else {}))

    def logged(scaler: Scaler, z: str, prefix: str, inverse: bool) -> str:
        """log(max(z / pivot, 1)) on the logged columns (exp(z) * pivot when inverse), z elsewhere."""
        if not scaler.logged.any():
            return z
        pivot = np.asarray(scaler.pivot)
        mask = node("Cast", constant(f"{prefix}_logged", scaler.logged), to=TensorProto.BOOL)
        safe = constant(f"{prefix}_safe", np.where(scaler.logged, pivot, 1.0))
        pivot_name = constant(f"{prefix}_pivot", pivot)
        one = constant(f"{prefix}_one", 1.0)
        forward = node("Log", node("Max", node("Div", z, safe), one))
        changed = node("Mul", node("Exp", z), pivot_name) if inverse else forward
        return node("Where", mask, changed, z)

    def grouped(x: str) -> tuple[str, str | None]:
        """The network's features and the output's factor (None without groups), as nnfit.units._groups."""
        groups = fit.groups
        if groups is None:
            return x, None
        arrays = groups.to_arrays()
        safe = constant("groups_safe", np.where(groups.pivot != 0, groups.pivot, 1.0))
        logs = node("Log", node("Max", node("Div", x, safe), constant("groups_floor", arrays["groups_floor"])))
        parts = []
        if groups.kept.any():
            index = "groups_kept"
            initializers.append(numpy_helper.from_array(np.flatnonzero(groups.kept).astype(np.int64), index))
            parts.append(node("Gather", x, index, axis=1))
        if groups.powers.shape[1]:
            parts.append(node("Exp", node("MatMul", logs, constant("groups_powers", groups.powers))))
        features = node("Concat", *parts, axis=1) if len(parts) > 1 else parts[0]
        return features, node("Exp", node("MatMul", logs, constant("groups_factor", groups.factor[:, None])))

    features, factor = grouped("X")
    x = logged(fit.x_scaler, features, "x", inverse=False)
    z = node("Div", node("Sub", x, constant("x_shift", fit.x_scaler.shift)), constant("x_scale", fit.x_scaler.scale))
    stack = layers(fit)
    for i, (w, b) in enumerate(stack):  # z (n, d) @ w (members, d, h) broadcasts to (members, n, h)
        z = node("Add", node("MatMul", z, constant(f"w{i}", w)), constant(f"b{i}", b[:, None, :]))
        z = activation(fit.network.activation if i < len(stack) - 1 else fit.network.output_activation, z)
    z = node("Add", node("Mul", z, constant("y_scale", fit.y_scaler.scale)), constant("y_shift", fit.y_scaler.shift))
    z = logged(fit.y_scaler, z, "y", inverse=True)
    if factor is not None:
        z = node("Mul", z, factor)  # (members, n, k) by (n, 1)
    nodes.append(helper.make_node("ReduceMean", [z], ["Y"], axes=[0], keepdims=0))  # over the members

    meta = {
        **{f"nnfit.{key}": json.dumps(value) for key, value in describe(fit).items()},
        "nnfit.recipe": json.dumps(fit.recipe.to_dict()),
    }
    doc = f"X columns: {', '.join(fit.inputs)}; Y columns: {', '.join(fit.outputs)}"
    return onnx_model("nnfit", nodes, initializers, elem, (len(fit.inputs), len(fit.outputs)), doc=doc, meta=meta)
