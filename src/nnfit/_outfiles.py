"""The files an export writes: its format told by the suffix, never one that exists already, and
the ONNX model around a graph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from .errors import NnfitError

ONNX_OPSET = 17  # onnxruntime 1.14 and later run it; ReduceMean still takes its axes as an attribute


def format_of(path: Path, format: str | None, formats: Mapping[str, str]) -> str:
    """The export format for `path`: `format` when given, checked against the suffix that
    `formats` (format -> suffix) gives it, else the format the suffix names."""
    if format is None:
        by_suffix = {suffix: name for name, suffix in formats.items()}
        if path.suffix not in by_suffix:
            raise NnfitError(
                f"cannot tell the export format from {path.name!r}: end it in {', '.join(by_suffix)}, or give format"
            )
        return by_suffix[path.suffix]
    if format not in formats:
        raise NnfitError(f"unknown export format {format!r}; use one of {', '.join(formats)}")
    if path.suffix != formats[format]:
        article = "an" if format[0] in "aeio" else "a"
        raise NnfitError(f"{article} {format} export is a {formats[format]} file; got {path.name}")
    return format


def fresh(*paths: Path, option: str = "--out") -> None:
    """Refuse to go on if any of `paths` exists: an export never overwrites. `option` is the flag
    that names the file, for the message."""
    for path in paths:
        if path.exists():
            raise NnfitError(f"{path} already exists — choose another {option}, or remove it first")


def onnx() -> ModuleType:
    """The onnx package, or an NnfitError that names the extra to install."""
    try:
        import onnx
    except ImportError:
        raise NnfitError('ONNX export needs the onnx package: pip install "nnfit[onnx]"') from None
    return onnx


def onnx_model(
    name: str,
    nodes: Sequence[Any],
    initializers: Sequence[Any],
    element: int,
    shapes: tuple[int, int],
    *,
    doc: str,
    meta: Mapping[str, str],
) -> Any:
    """A checked onnx.ModelProto of `nodes` and `initializers`: input "X" (n, shapes[0]) and output
    "Y" (n, shapes[1]) of the TensorProto type `element`, `meta` in its properties."""
    package = onnx()
    helper = package.helper
    graph = helper.make_graph(
        list(nodes),
        name,
        [helper.make_tensor_value_info("X", element, ["n", shapes[0]])],
        [helper.make_tensor_value_info("Y", element, ["n", shapes[1]])],
        list(initializers),
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", ONNX_OPSET)], producer_name="nnfit", doc_string=doc
    )
    model.ir_version = 8  # the IR of opset 17: loadable by older runtimes too
    helper.set_model_props(model, dict(meta))
    package.checker.check_model(model)
    return model
