"""Print the doctor's record: per code, broken cases whose cause it named first, and false alarms.

    python tests/doctor_table.py [--formulas N]

The broken cases are the seeds, both corpora of tests/doctor_corpus.py and an undefined target; a
case counts when its code is the first finding. The clean cases are the default recipe on the
test suite's targets, the seeds' fixed recipes, a data file, two real data sets (scikit-learn's
diabetes and Friedman's first benchmark, σ = 1) and the formulas of benchmarks/formula_suite.py
(all 55, or the first N); a false alarm is a warning or error there. Takes about 12 minutes.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes, make_friedman1

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "benchmarks")]

from doctor_corpus import CLEAN, CLEAN_EXAMPLES, CORPUS, SECOND, SEEDS, example
from formula_suite import formulas

import nnfit
from nnfit.checks import CODES


def clean_files(folder: Path) -> list[str]:
    """The clean data files: a smooth 2-input product and two real, noisy data sets."""
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-1, 1, 4000), rng.uniform(0, 2, 4000)
    pd.DataFrame({"a": a, "b": b, "y": np.sin(2 * a) * b}).to_csv(folder / "product.csv", index=False)
    X, y = load_diabetes(return_X_y=True)
    pd.DataFrame(X, columns=[f"x{i}" for i in range(10)]).assign(target=y).to_csv(folder / "diabetes.csv", index=False)
    X, y = make_friedman1(1000, noise=1.0, random_state=0)
    pd.DataFrame(X, columns=[f"x{i}" for i in range(10)]).assign(y=y).to_csv(folder / "friedman1.csv", index=False)
    return [str(folder / name) for name in ("product.csv", "diabetes.csv", "friedman1.csv")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formulas", type=int, default=None, help="only the first N formulas of the suite")
    args = parser.parse_args()

    broken = [(code, example(name)) for name, (code, _) in SEEDS.items()]
    broken += [(code, settings) for code, settings in CORPUS.items()]
    broken += list(SECOND.values())
    first = {code: [0, 0] for code in CODES}  # code -> [named first, cases]
    for code, settings in broken:
        first[code][1] += 1
        first[code][0] += nnfit.fit(**settings).findings[0].code == code
    first["target-undefined"][1] += 1
    first["target-undefined"][0] += nnfit.doctor("log(x)", domain="x=-1:1")[0].code == "target-undefined"

    clean = [nnfit.fit(**settings).findings for settings in CLEAN.values()]
    clean += [nnfit.fit(**example(name)).findings for name in CLEAN_EXAMPLES]
    with tempfile.TemporaryDirectory() as folder:
        clean += [nnfit.fit(path).findings for path in clean_files(Path(folder))]
    for row in formulas()[: args.formulas]:
        clean.append(nnfit.fit(row["formula"], row["domain"]).findings)

    print("| code | cause first / broken cases | false alarms / clean cases |")
    print("|---|---|---|")
    for code in CODES:
        alarms = sum(any(f.code == code and f.severity != "note" for f in found) for found in clean)
        print(f"| {code} | {first[code][0]} / {first[code][1]} | {alarms} / {len(clean)} |")
    named = sum(n for n, _ in first.values())
    cases = sum(c for _, c in first.values())
    alarmed = sum(any(f.severity != "note" for f in found) for found in clean)
    print(f"| all | {named} / {cases} | {alarmed} / {len(clean)} clean cases with any alarm |")


if __name__ == "__main__":
    main()
