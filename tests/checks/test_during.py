"""nnfit.checks._during: what the doctor sees while a network trains, and when it stops the run."""

from doctor_corpus import CORPUS, SMALL

import nnfit


def test_plateau_cuts_that_starve_training_are_seen_during_it():
    # a plateau check every 10 steps on a target learnt at once: the rate is halved again and again
    result = nnfit.fit(
        "x",
        domain="x=0:1",
        model="mlp",
        schedule="plateau",
        decay_rate=0.1,
        decay_steps=10,
        steps=20_000,
        eval_every=100,
        early_stopping=False,
        **SMALL,
    )
    starved = [f for f in result.findings if f.code == "lr-starved"]
    assert starved and starved[0].stage == "during" and starved[0].step <= 2000


def test_an_error_during_training_stops_it_unless_told_not_to():
    stopped = nnfit.fit(**CORPUS["diverged"])
    assert stopped.info["stop_reason"] == "doctor: diverged at step 250"
    kept = nnfit.fit(**{**CORPUS["diverged"], "stop_on_error": False})
    assert kept.info["steps"] == 500
