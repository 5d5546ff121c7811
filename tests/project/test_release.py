"""A release: one version, printed by `nnfit --version` and named first in CHANGELOG.md; an sdist
and a wheel from `python -m build`; the wheel installs into a new virtual environment and fits."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import nnfit

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_printed_by_the_command(cli):
    outcome = cli("--version")
    assert outcome.code == 0 and outcome.out.strip() == f"nnfit, version {nnfit.__version__}"


def test_changelog_opens_with_this_version():
    newest = re.search(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert newest is not None and newest.group(1) == nnfit.__version__


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    pytest.importorskip("build", reason='building needs the dev extra: pip install -e ".[dev]"')
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def test_build_makes_an_sdist_and_a_wheel_with_the_version(dist):
    names = sorted(p.name for p in dist.iterdir())
    assert names == [f"nnfit-{nnfit.__version__}-py3-none-any.whl", f"nnfit-{nnfit.__version__}.tar.gz"]


def test_the_wheel_installs_in_a_new_environment_and_fits(dist, tmp_path):
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    wheel = next(dist.glob("*.whl"))
    # --no-compile: Python compiles what a fit imports as it runs; compiling every dependency's
    # modules ahead (SciPy, SymPy, JAX) took 23 of the install's 37 s
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-compile", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    work = tmp_path / "work"  # far from the source tree, so only the installed wheel can be imported
    work.mkdir()
    fitted = subprocess.run(
        # README's first command, shorter: the install, not the fit's accuracy, is under test
        [env / "bin" / "nnfit", "fit", "x**2 + x", "--domain", "x=1:1000", "--steps", "3000", "--no-report"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert fitted.returncode == 0, fitted.stderr
    assert " inside   test " in fitted.stdout and (work / "nnfit-runs" / "001-x_2_x" / "model.safetensors").is_file()
    where = subprocess.run(
        [python, "-c", "import nnfit, pathlib; print(pathlib.Path(nnfit.__file__).parent)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    installed = Path(where.stdout.strip())
    assert (
        installed.is_relative_to(env)
        and (installed / "py.typed").is_file()
        and (installed / "outputs" / "_standalone.py").is_file()
    )
    # the playground's page and the recipe presets are package data, there without the source tree
    assert (installed / "web" / "static" / "index.html").is_file()
    assert (installed / "presets" / "seed000-softmax.yaml").is_file()
