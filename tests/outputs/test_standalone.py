"""nnfit.outputs._standalone: the NumPy-only predictor an export copies predicts as the fit does, with NumPy alone."""

import subprocess
import sys

import numpy as np
from exported import assert_matches, points


def test_numpy_file_predicts_with_numpy_alone(fitted, tmp_path):
    files = fitted.export(tmp_path / "predictor.py")
    assert [f.name for f in files] == ["predictor.py", "predictor.npz"]
    X = points(fitted)
    np.save(tmp_path / "X.npy", X)
    script = (
        "import sys, numpy as np; import predictor; np.save('Y.npy', predictor.predict(np.load('X.npy'))); "
        "assert not {'jax', 'nnfit', 'scipy'} & set(sys.modules), 'imported more than NumPy'"
    )
    subprocess.run([sys.executable, "-c", script], cwd=tmp_path, check=True)
    assert_matches(np.load(tmp_path / "Y.npy"), fitted, X)
