"""The compiled programs of a run: one per network, optimizer and batch in a process, whatever the
length of the run or the number of its rows within a bucket."""

from linear_task import X, Y

from nnfit.engine import Network, Trainer
from nnfit.engine._programs import programs_for
from nnfit.recipe import Recipe


def test_fits_on_sizes_within_one_bucket_share_one_compiled_step():
    recipe = Recipe(steps=100, batch_size=32, hidden=(8,), activation="gelu", seed=5)
    network = Network((2, 8, 1), "gelu")
    for n in (400, 450, 500):  # all stored in 1024 rows
        Trainer(network, recipe).train(X[:n], Y[:n], X[:64], Y[:64])
    assert programs_for(network, recipe, 32).run_chunk._cache_size() == 1


def test_runs_of_any_length_share_one_compiled_step():
    network = Network((2, 8, 1), "gelu")
    for steps in (100, 333, 700):  # one chunk of 100, one of 333, four of 175
        recipe = Recipe(steps=steps, batch_size=32, hidden=(8,), activation="gelu", eval_every=250, seed=6)
        trainer = Trainer(network, recipe)
        trainer.train(X[:400], Y[:400], X[:64], Y[:64])
        assert trainer.step == steps
    assert programs_for(network, recipe, 32).run_chunk._cache_size() == 1
