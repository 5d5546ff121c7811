"""Compare: recipes run on one task with the same data and seed, most accurate first."""

from pathlib import Path

import pytest

import nnfit
from nnfit.errors import NnfitError
from nnfit.outputs import compare
from nnfit.task import Task

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


SEED001 = [str(EXAMPLES / f"seed001-{name}.yaml") for name in ("model1", "model2", "default")]


def test_seed001_comparison_puts_the_default_first(cli, tmp_path):
    outcome = cli("compare", *SEED001, "--out", "seed001.html")
    assert outcome.code == 0, outcome.err
    lines = [line for line in outcome.out.splitlines() if line.strip()]
    header = lines.index(next(line for line in lines if line.lstrip().startswith("recipe")))
    assert [line.split()[0] for line in lines[header + 1 : header + 4]] == [
        "seed001-default",
        "seed001-model2",
        "seed001-model1",
    ]
    for column in ("test rRMSE", "1-1.5x rRMSE", "1.5-2x rRMSE", "max |err|", "seconds", "parameters"):
        assert column in lines[header]
    page = (tmp_path / "seed001.html").read_text()
    assert "https://" not in page and page.count("data:image/png;base64,") == 2


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("c")
    (folder / "small.yaml").write_text("hidden: [4]\nsteps: 300\nseed: 3\n")
    (folder / "large.yaml").write_text("hidden: [32, 32]\nsteps: 300\nseed: 9\n")
    task = Task(target="sin(3*x)", domain="x=0:2", samples=800)
    return compare([str(folder / "small.yaml"), str(folder / "large.yaml")], task=task)


def test_same_data_and_seed_for_every_recipe(pair):
    first, second = pair.fits
    assert first.recipe.seed == second.recipe.seed == 3  # the first recipe's seed, for all
    for name in first.points:
        assert (first.points[name][0] == second.points[name][0]).all()


def test_rows_and_figures(pair):
    rows = pair.rows()
    assert [row["recipe"] for row in rows] == list(pair.names)
    assert rows[0]["test rRMSE"] <= rows[1]["test rRMSE"]
    figures = pair.figures()
    assert [len(f.axes[0].get_lines()) for f in figures.values()] == [2, 2]
    assert [line.get_label() for line in figures["training"].axes[0].get_lines()] == list(pair.names)


def test_a_run_directory_joins_as_it_is(tmp_path, pair):
    run = pair.fits[0].save(tmp_path / "kept", report=False)
    comparison = compare([str(run)])
    assert comparison.names == ("kept",) and comparison.fits[0].evaluation == pair.fits[0].evaluation


@pytest.mark.parametrize(
    "entries, message",
    [
        ([], "nothing to compare"),
        (["nowhere.yaml"], "neither a run directory nor"),
    ],
)
def test_bad_entries(entries, message):
    with pytest.raises(NnfitError, match=message):
        compare(entries)


def test_recipes_need_a_task(tmp_path):
    (tmp_path / "r.yaml").write_text("hidden: [4]\n")
    with pytest.raises(NnfitError, match="no task to run the recipes on"):
        compare([str(tmp_path / "r.yaml")])


def test_compare_is_public():
    assert nnfit.compare is compare
