"""nnfit.engine._backend: compiled steps are cached on disk, and a small network's step runs on one thread."""

import jax
import numpy as np
import pytest
from linear_task import X, Y

from nnfit.engine import Network
from nnfit.engine import _backend as backend
from nnfit.engine._programs import programs_for
from nnfit.recipe import Recipe


def test_compiled_steps_are_cached_on_disk(tmp_path):
    import subprocess
    import sys

    script = "import nnfit; nnfit.fit('x', domain='x=0:1', samples=300, steps=100)"
    env = {**__import__("os").environ, "NNFIT_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)
    assert any((tmp_path / "cache").iterdir())


@pytest.mark.parametrize(
    "widths, batch, ensemble, serial",
    [
        ((64, 64), 128, 1, True),  # the automatic recipe's networks: no split
        ((64, 64, 64), 512, 1, True),  # 32 768 values at most in a layer
        ((64, 64), 128, 8, True),  # an ensemble of 8: 65 536
        ((256, 256, 256), 1024, 1, False),  # 262 144 values: worth XLA's split across threads
    ],
)
def test_a_small_networks_step_compiles_without_splitting_its_loops_across_threads(widths, batch, ensemble, serial):
    network = Network((2, *widths, 1), "gelu")
    recipe = Recipe(steps=10, hidden=widths, activation="gelu", batch_size=batch, ensemble=ensemble)
    options = backend.compiler_options(batch * ensemble * max(network.sizes), jax.devices("cpu")[0])
    assert options == (backend.SERIAL if serial else {})
    if serial:  # and the compiled step has no loop split across threads
        programs = programs_for(network, recipe, batch)
        params, opt_state = programs.init(0, jax.numpy.float32)
        rows, rates = np.zeros((10, batch), np.int32), np.full(10, 1e-3, np.float32)
        compiled = programs.run_chunk.lower(
            params, opt_state, X, Y, rows, rates, count=10, X_check=X, y_check=Y
        ).compile()
        assert '"outer_dimension_partitions":["' not in compiled.as_text()  # none has parts
