"""nnfit.sweeps._page: sweep.html, drawn from a study's trials alone: the history, the parameter
importances, the top recipes side by side and the leaderboard, with no network needed to read it."""

import optuna
import pytest

from nnfit.sweeps import Sweep
from nnfit.sweeps._page import LEADERBOARD, TOP, history, importances, write_html

pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")


def _study(trials: int, objectives: int = 1) -> Sweep:
    """A study whose trials carry what a sweep's trials carry: their parameters, values and row."""
    study = optuna.create_study(study_name="page", directions=["minimize"] * objectives)
    for number in range(trials):
        params = {"lr": 10.0 ** (-4 + number % 3), "activation": ("gelu", "tanh")[number % 2]}
        values = [1.0 / (number + 1), float(number + 1)][:objectives]
        distributions = {
            "lr": optuna.distributions.FloatDistribution(1e-4, 1e-1, log=True),
            "activation": optuna.distributions.CategoricalDistribution(("gelu", "tanh")),
        }
        row = {"validation rRMSE": values[0], "seconds": 1.0 + number, "parameters": 4417}
        study.add_trial(
            optuna.trial.create_trial(
                params=params, distributions=distributions, values=values, user_attrs={"row": row}
            )
        )
    return Sweep(study)


def test_the_page_holds_its_figures_the_top_recipes_and_the_leaderboard(tmp_path):
    swept = _study(TOP + 3)
    page = write_html(swept, tmp_path / "sweep.html").read_text()
    assert page.count("data:image/png;base64") == 2  # the history and the importances
    assert "top recipes side by side" in page and "trials: 8 complete" in page
    side = page.split("top recipes side by side")[1].split("<h2>")[0]
    assert side.count("<th>#") == TOP  # the best TOP trials, one column each
    assert "#7" in side and "#2" not in side  # the most accurate: the last trials here
    assert "http" not in page.replace('href="best/report.html"', "")  # nothing to fetch


def test_the_leaderboard_is_cut_to_its_rows(tmp_path):
    page = write_html(_study(LEADERBOARD + 2), tmp_path / "sweep.html").read_text()
    board = page.split("<h2>leaderboard")[1]
    assert board.count("<tr>") == LEADERBOARD + 1  # its heading, and the best LEADERBOARD trials


def test_one_objective_is_drawn_by_trial_and_two_against_each_other():
    assert "trial" in history(_study(4)).axes[0].get_xlabel()
    assert "seconds" in history(_study(4, objectives=2)).axes[0].get_xlabel()
    assert importances(_study(4)) is not None
