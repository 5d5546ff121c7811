"""nnfit.fit, the library's entry point: how settings combine, and what it refuses."""

import io
import time

import jax
import numpy as np
import pandas as pd
import pytest

import nnfit
from nnfit.errors import NnfitError, RecipeError

QUICK = {"samples": 300, "steps": 50}


def test_keywords_override_a_recipe_object():
    result = nnfit.fit("x", domain="x=0:1", recipe=nnfit.Recipe(model="mlp", hidden=(3,), lr=0.1), lr=0.01, **QUICK)
    assert result.recipe.hidden == (3,) and result.recipe.lr == 0.01
    assert result.network.sizes == (1, 3, 1)


def test_unknown_keyword_suggests_the_near_miss():
    with pytest.raises(RecipeError, match="unknown key 'hiden' — did you mean 'hidden'"):
        nnfit.fit("x", domain="x=0:1", hiden=(3,))


def test_a_target_object_and_a_domain_object():
    target = nnfit.Target.from_formula("a*b")
    domain = nnfit.Domain.parse("a=0:1, b=1:2")
    result = nnfit.fit(target, domain=domain, **QUICK)
    assert result.inputs == ("a", "b") and result.domain == domain


def test_a_data_file(tmp_path):
    x = np.linspace(0, 1, 200)
    pd.DataFrame({"x": x, "y": 2 * x}).to_parquet(tmp_path / "d.parquet")
    result = nnfit.fit(str(tmp_path / "d.parquet"), **QUICK)
    assert result.target.kind == "data" and not result.target.known
    assert list(result.evaluation) == ["test"]  # no shells: the target is unknown outside the data
    assert result.query("0.5; 2")[1].truth is None


def test_a_data_file_refuses_a_domain(tmp_path):
    pd.DataFrame({"x": np.arange(20.0), "y": np.arange(20.0)}).to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(NnfitError, match="brings its own domain"):
        nnfit.fit(str(tmp_path / "d.csv"), domain="x=0:1")


def test_early_stopping_needs_a_validation_split():
    with pytest.raises(RecipeError, match="needs a validation split"):
        nnfit.fit("x", domain="x=0:1", split=(0.9, 0, 0.1), **QUICK)
    assert nnfit.fit("x", domain="x=0:1", split=(0.9, 0, 0.1), early_stopping=False, **QUICK).history


@pytest.mark.skipif(bool(jax.devices()[0].platform == "gpu"), reason="checks the message on a machine without a GPU")
def test_asking_for_a_gpu_without_one():
    with pytest.raises(RecipeError, match="JAX sees no GPU"):
        nnfit.fit("x", domain="x=0:1", device="gpu", **QUICK)


def test_progress_bar_reports_the_steps():
    progress = nnfit.RichProgress()
    progress.progress.console.file = io.StringIO()
    nnfit.fit("x", domain="x=0:1", model="mlp", callbacks=[progress], samples=300, steps=500, eval_every=250)
    task = progress.progress.tasks[0]
    assert task.completed == task.total  # the whole run
    assert task.fields["status"].startswith("step 500 loss ")


def test_budget_from_the_recipe():
    result = nnfit.fit("sin(x)", domain="x=0:6", samples=300, steps=10**7, budget=1, early_stopping=False)
    assert result.info["stop_reason"].startswith("time budget spent at step")


def test_a_budget_without_steps_sets_the_length_of_the_whole_fit():
    start = time.perf_counter()
    # 3 s: the first chunk, compilation included, fits well inside it even on a busy 2-core machine
    result = nnfit.fit("sin(x)", domain="x=0:6", samples=2000, budget=3)
    wall = time.perf_counter() - start
    assert result.info["total_steps"] is None and result.info["stop_reason"].startswith("time budget spent at step")
    assert result.history[-1]["elapsed"] <= 3 and result.history[-1]["progress"] >= 0.5
    assert wall < 3 + 0.5  # evaluation included: training leaves it the end of the budget
    assert "3 s" in result.recipe.summary()


def test_a_target_without_a_budget_gets_the_default_budget():
    recipe = nnfit.Recipe(target_rrmse=1e-3)
    assert recipe.time_limit == nnfit.Recipe.TARGET_BUDGET == 60 and recipe.open_ended and not recipe.paced
    assert not nnfit.Recipe(target_rrmse=1e-3, steps=100).open_ended


def test_an_accuracy_target_stops_training_when_reached():
    result = nnfit.fit("x", domain="x=0:1", samples=2000, steps=20_000, target_rrmse=1e-2, eval_every=100)
    assert result.info["stop_reason"].startswith("reached the target: validation rRMSE")
    assert result.info["steps"] < 20_000
    assert result.history[-1]["val_rrmse"] <= 1e-2


def test_a_target_not_reached_is_said_plainly():
    result = nnfit.fit("sin(5*x)", domain="x=0:6", samples=1000, steps=300, target_rrmse=1e-6)
    best = min(record["val_rrmse"] for record in result.history)
    assert result.info["stop_reason"] == (
        f"completed 300 steps; the best validation rRMSE, {best:.3g}, did not "
        "reach the target 1e-06 — raise --steps or --budget"
    )


def test_float64_allows_targets_below_float32():
    assert nnfit.Recipe(dtype="float64", target_rrmse=1e-9).target_rrmse == 1e-9


def test_a_fit_with_discover_finds_the_law_and_measures_it_where_the_network_was(tmp_path):
    result = nnfit.fit("x**2 + 2*y", "x=0:100, y=0:1000:int", discover=True, samples=2000, steps=1500)
    (law,) = result.laws
    assert str(law.expression) == "x**2 + 2*y" and law.floor == 1e-9
    assert set(law.evaluation) == set(result.evaluation) == {"test", "1-1.5x", "1.5-2x"}
    for name, measured in law.evaluation.items():  # the same points as the network's
        assert measured["n"] == result.evaluation[name]["n"] and measured["rrmse"] <= 1e-9
    assert result.evaluation["1.5-2x"]["rrmse"] > 1e-3  # the network: far from the law there
    (note,) = [f for f in result.findings if f.code == "extrapolation"]
    assert note.fix.startswith("use the closed form f = x**2 + 2*y beyond the domain: its rRMSE there is at most ")
    back = nnfit.load(result.save(tmp_path / "run"))
    assert back.laws[0].expression == law.expression and back.laws[0].evaluation == law.evaluation


def test_each_output_of_a_data_file_gets_its_law_beside_its_own_network_figures(tmp_path):
    X = np.random.default_rng(0).uniform(1, 3, (600, 2))
    path = tmp_path / "two.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "u": X[:, 0] * X[:, 1], "v": np.sin(X[:, 0]) + X[:, 1] ** 2}).to_csv(
        path, index=False
    )
    result = nnfit.fit(str(path), inputs=("a", "b"), outputs=("u", "v"), discover=True, steps=50)
    assert [str(law.expression) for law in result.laws] == ["a*b", "b**2 + sin(a)"]
    for k in range(2):
        network = result.output_evaluation(k)["test"]
        X_test, Y_test = result.points["test"]
        want = np.sqrt(np.mean((result.predict(X_test)[:, k] - Y_test[:, k]) ** 2)) / Y_test[:, k].std()
        assert network["rrmse"] == pytest.approx(want, rel=1e-12)


def test_a_library_too_large_for_the_inputs_leaves_the_network_and_says_why():
    inputs = ", ".join(f"x{i}=1:2" for i in range(10))
    result = nnfit.fit(" + ".join(f"x{i}" for i in range(10)), inputs, samples=30_000, steps=20, discover=True)
    (law,) = result.laws
    assert law.expression is None and law.evidence.startswith("not searched: the library of ")
    assert "terms over 20000 rows needs" in law.evidence and "narrow it" in law.evidence
    assert result.evaluation["test"]["n"] == 3000
