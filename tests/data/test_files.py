"""nnfit.data._files: every format and CSV dialect reads the same numbers; a file that is not what it claims gets one line."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import csv_files

from nnfit import data
from nnfit.errors import DataError


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".npy", ".npz"])
def test_every_format_reads_the_same_numbers(tmp_path, table, suffix):
    path = tmp_path / f"d{suffix}"
    if suffix == ".csv":
        table.to_csv(path, index=False)
    elif suffix == ".parquet":
        table.to_parquet(path)
    elif suffix == ".npy":
        np.save(path, table.to_numpy())
    else:
        np.savez(path, **{c: table[c].to_numpy() for c in table.columns})
    target, domain, dataset = data.read(path)
    assert len(target.inputs) == 2 and len(target.outputs) == 1  # all columns but the last -> the last
    np.testing.assert_allclose(np.sort(dataset.y[:, 0]), np.sort(table["y"].to_numpy()))
    assert domain.integer.tolist() == [False, True]
    assert len(dataset.train) == 160 and len(dataset.val) == 20 and len(dataset.test) == 20


def test_named_columns(tmp_path, table):
    table.to_csv(tmp_path / "d.csv", index=False)
    target, _, dataset = data.read(tmp_path / "d.csv", inputs=["b"], outputs=["a"])
    assert (target.inputs, target.outputs) == (("b",), ("a",))
    np.testing.assert_allclose(np.sort(dataset.X[:, 0]), np.sort(table["b"]))


@pytest.mark.parametrize(
    "content, kwargs, message",
    [
        ("a,y\n" + "1,2\n" * 20, {"inputs": ["a", "zz"]}, "column 'zz' is not in"),
        ("a,y\n" + "1,2\n" * 5 + "nan,3\n" + "2,2\n" * 10, {}, "has 1 NaN or inf values \\(first at row 6"),
        ("a,y\n" + "1,2\n" * 5 + "inf,3\n" + "2,2\n" * 10, {}, "NaN or inf"),
        ("a,y\n" + "1,2\n" * 5 + "abc,3\n" + "2,2\n" * 10, {}, "not numeric: row 6 holds 'abc'"),
        ("a,y\n1,2\n2,3\n", {}, "2 rows; at least 10"),
        ("a,b,y\n" + "".join(f"1,{i},{i}\n" for i in range(20)), {}, "'a' is constant"),
        ("a,y\n" + "1,2\n" * 20, {"inputs": ["a"], "outputs": ["a"]}, "both an input and an output"),
    ],
)
def test_bad_csv_content(tmp_path, content, kwargs, message):
    path = tmp_path / "d.csv"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        data.read(path, **kwargs)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv", b"", "is empty"),
        ("text.parquet", b"a,b\n1,2\n", "not a readable Parquet file"),
        ("text.npy", b"hello there", "not a readable NPY file"),
        ("d.txt", b"1,2", "use a .csv"),
    ],
)
def test_files_that_are_not_what_they_claim(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(DataError, match=message):
        data.read_columns(tmp_path / name)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        data.read_columns(tmp_path / "nope.csv")


ROWS = "".join(f"{i}{{s}}{i % 7}{{s}}{2 * i + i % 7}\n" for i in range(20))


@pytest.mark.parametrize(
    "content",
    [
        "a,b,y\n" + ROWS.format(s=","),
        "a;b;y\n" + ROWS.format(s=";"),
        "a\tb\ty\n" + ROWS.format(s="\t"),
        "a|b|y\n" + ROWS.format(s="|"),
        "\ufeffa,b,y\n" + ROWS.format(s=","),  # a byte-order mark, as Excel writes
        "a,b,y\n\n" + ROWS.format(s=",").replace("\n", "\n\n"),  # blank lines
        "a,b,y\n" + "".join(f'"{i}","{i % 7}","{2 * i + i % 7}"\n' for i in range(20)),  # quoted numbers
        "a;b;y\n" + "".join(f"{i},0;{i % 7};{2 * i + i % 7},0\n" for i in range(20)),  # decimal commas
    ],
    ids=["comma", "semicolon", "tab", "pipe", "bom", "blank-lines", "quoted", "decimal-comma"],
)
def test_every_dialect_reads_the_same_numbers(tmp_path, content):
    (tmp_path / "d.csv").write_text(content, encoding="utf-8")
    target, _, dataset = data.read(tmp_path / "d.csv")
    assert target.inputs == ("a", "b") and target.outputs == ("y",)
    order = np.argsort(dataset.X[:, 0])
    np.testing.assert_array_equal(dataset.X[order], [[i, i % 7] for i in range(20)])
    np.testing.assert_array_equal(dataset.y[order, 0], [2 * i + i % 7 for i in range(20)])


def test_a_file_without_header_names_its_columns_c0_c1(tmp_path):
    target, _, dataset = data.read(_written(tmp_path, ROWS.format(s=",")))
    assert target.inputs == ("c0", "c1") and target.outputs == ("c2",) and len(dataset.X) == 20


def _written(folder: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / "d.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


@pytest.mark.parametrize(
    "content, encoding, message",
    [
        ("a,a,y\n" + ROWS.format(s=","), "utf-8", "column 'a' appears twice in the header"),
        (",b,y\n" + ROWS.format(s=","), "utf-8", "column 1 of .* has no name in the header row"),
        ("a,b,y\n" + ROWS.format(s=",").replace("3,", "1e308,", 1), "utf-8", "too near float64's limit"),
        ("a,b,y\n" + ROWS.format(s=",") + "é,1,2\n", "latin-1", "not numeric: row 21 holds 'é'"),
        ("a,b,y\n" + ROWS.format(s=",") + "1,2,3,4\n", "utf-8", "not a readable CSV file .*Expected 3 fields"),
        ("\x00\x01garbage", "latin-1", "not a text CSV file: it holds binary data"),
        ("\n\n", "utf-8", "holds no rows"),
    ],
)
def test_faulty_files_get_one_line_saying_what_is_wrong(tmp_path, content, encoding, message):
    with pytest.raises(DataError, match=message) as caught:
        data.read(_written(tmp_path, content, encoding))
    assert "\n" not in str(caught.value)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_any_csv_file_reads_or_gets_a_data_error(content):
    with tempfile.TemporaryDirectory() as folder:
        try:
            _, _, dataset = data.read(_written(Path(folder), content))
        except DataError as exc:
            assert "\n" not in str(exc)
        else:
            assert np.isfinite(dataset.X).all() and np.isfinite(dataset.y).all()
