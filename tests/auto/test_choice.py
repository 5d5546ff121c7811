"""The evidence of the automatic recipe: each contender named in words, the reason for the winner
in one line, and what metrics.json and a checkpoint keep of it."""

import numpy as np

from nnfit.auto import Choice, Contender

LINEAR = Contender("linear", "", "standard", "standard", 0.2, 0)
GELU = Contender("mlp", "gelu", "standard", "standard", 3e-3, 2000, hidden=(64, 64))
LOG_SIN = Contender("mlp", "sin", "log", "log", 1e-3, 2000, hidden=(64, 64, 64))


def test_a_contender_is_named_by_its_coordinates_units_and_any_width_but_the_default():
    assert LINEAR.label() == "linear (standard scaling)"
    assert GELU.label() == "standard scaling gelu mlp"
    assert LOG_SIN.label() == "log-log sin mlp 64-64-64"
    mixed = Contender("mlp", "relu", "log", "standard", 1.0, 10, weight_decay=1e-4, groups="on")
    assert mixed.label() == "groups, log inputs, standard output relu mlp, weight decay 0.0001"


def test_the_reason_names_the_winner_against_the_best_of_the_others_probed_as_long():
    choice = Choice(2, (LINEAR, GELU, LOG_SIN), 1.5)
    assert choice.chosen == {
        "model": "mlp",
        "activation": "sin",
        "input_scaling": "log",
        "output_scaling": "log",
        "groups": "off",
        "hidden": (64, 64, 64),
    }
    assert (
        choice.reason()
        == "log-log sin mlp 64-64-64: validation rRMSE 0.001 against 0.003 for standard scaling gelu mlp"
    )
    hard = Choice(2, (LINEAR, GELU, LOG_SIN), 1.5, denser=800, hard=True)
    assert hard.reason().endswith("; hard: 800 more training rows where the probe erred")


def test_a_network_chosen_without_a_probe_says_why_beside_the_linear_baseline():
    stand_in = Contender("mlp", "gelu", "standard", "standard", np.nan, 0)
    choice = Choice(1, (LINEAR, stand_in), 0.1, note="too short a run to probe networks")
    assert choice.reason() == (
        "standard scaling gelu mlp: too short a run to probe networks; the linear baseline reached 0.2"
    )


def test_what_metrics_json_keeps_reads_back_as_the_same_evidence():
    choice = Choice(2, (LINEAR, GELU, LOG_SIN), 1.5, denser=800, hard=True, groups="I0 * h(theta)")
    kept = choice.to_dict()
    assert kept["trials"][2]["hidden"] == [64, 64, 64] and "seconds" not in kept  # plain values, reproducible
    assert Choice.from_dict(kept) == Choice(
        2, (LINEAR, GELU, LOG_SIN), 0.0, denser=800, hard=True, groups="I0 * h(theta)"
    )
