"""nnfit._outfiles: an export's format is told by its suffix, and a missing extra is named."""

import sys

import pytest

import nnfit


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
