"""Do two versions of nnfit give the same answers? A refactoring must leave every figure unchanged.

    python benchmarks/same_metrics.py run OUT            # this checkout's nnfit: the seeds and the suite
    python benchmarks/same_metrics.py compare OLD NEW    # byte for byte, file by file

`run` fits the seeds' recipe files (examples/seed*.yaml, as `nnfit fit --config` does) and every
formula of the formula suite at seed 0 with no flags (as `benchmarks/formula_suite.py` does),
and writes each run's metrics.json under OUT/<name>/. It uses only the public API (`nnfit.fit`,
`Fit.save`), so the same script runs on an older checkout: `PYTHONPATH=OLD/src python
benchmarks/same_metrics.py run OUT-old`. `compare` then lists every file that differs and exits 1
if any does. metrics.json holds no wall time, so on one machine the same recipe and seed give the
same bytes; the suite takes about 6 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

import nnfit

HERE = Path(__file__).parent
EXAMPLES = HERE.parent / "examples"


def cases(only: list[str] | None) -> list[tuple[str, dict]]:
    """(name, keyword arguments of `nnfit.fit`) for each seed recipe file and suite formula."""
    found = []
    for path in sorted(EXAMPLES.glob("seed*.yaml")):
        settings = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.append((path.stem, {key.replace("-", "_"): value for key, value in settings.items()}))
    with (HERE / "formulas.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            found.append((f"suite-{row['name']}", {"target": row["formula"], "domain": row["domain"], "seed": 0}))
    return [(name, settings) for name, settings in found if not only or name in only]


def run(out: Path, only: list[str] | None) -> None:
    """Each case's metrics.json into out/<name>/metrics.json."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for name, settings in cases(only):
            fit = nnfit.fit(**settings)
            folder = fit.save(Path(scratch) / name, report=False)
            (out / name).mkdir(exist_ok=True)
            shutil.copyfile(Path(folder) / "metrics.json", out / name / "metrics.json")
            print(f"{name:<32} test rRMSE {fit.evaluation['test']['rrmse']:.3e}", flush=True)


def compare(old: Path, new: Path) -> int:
    """Print each case whose metrics.json differs or is missing; 1 if any, else 0."""
    names = sorted(
        {p.parent.name for p in old.glob("*/metrics.json")} | {p.parent.name for p in new.glob("*/metrics.json")}
    )
    differ = [
        n
        for n in names
        if not (old / n / "metrics.json").is_file()
        or not (new / n / "metrics.json").is_file()
        or not filecmp.cmp(old / n / "metrics.json", new / n / "metrics.json", shallow=False)
    ]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names) - len(differ)} of {len(names)} metrics.json identical")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    running = verbs.add_parser("run", help="fit every case and keep its metrics.json")
    running.add_argument("out", type=Path)
    running.add_argument("--only", nargs="*", help="case names (a seed file's stem, or suite-NAME)")
    comparing = verbs.add_parser("compare", help="compare two folders written by run")
    comparing.add_argument("old", type=Path)
    comparing.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.verb == "run":
        run(args.out, args.only)
        return 0
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
