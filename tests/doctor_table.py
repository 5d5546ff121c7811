"""Print the doctor's record on the test corpus: per code, cases caught and false alarms.

    python tests/doctor_table.py

A case is caught when its code is among its findings (for the seeds: first). A false alarm is
a warning or error with that code on a clean case (the default recipe, or a seed's fix).
"""

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_doctor import CLEAN, CLEAN_EXAMPLES, CORPUS, SEEDS, example

import nnfit
from nnfit.codes import CODES


def main() -> None:
    caught = {code: [0, 0] for code in CODES}  # code -> [caught, cases]
    for name, (code, _) in SEEDS.items():
        caught[code][1] += 1
        caught[code][0] += nnfit.fit(**example(name)).findings[0].code == code
    for code, settings in CORPUS.items():
        caught[code][1] += 1
        caught[code][0] += code in [f.code for f in nnfit.fit(**settings).findings]
    caught["target-undefined"][1] += 1
    caught["target-undefined"][0] += nnfit.doctor("log(x)", domain="x=-1:1")[0].code == "target-undefined"

    clean = [nnfit.fit(**settings).findings for settings in CLEAN.values()]
    clean += [nnfit.fit(**example(name)).findings for name in CLEAN_EXAMPLES]
    with tempfile.TemporaryDirectory() as folder:
        rng = np.random.default_rng(0)
        a, b = rng.uniform(-1, 1, 4000), rng.uniform(0, 2, 4000)
        pd.DataFrame({"a": a, "b": b, "y": np.sin(2 * a) * b}).to_csv(Path(folder) / "d.csv", index=False)
        clean.append(nnfit.fit(str(Path(folder) / "d.csv")).findings)

    print("| code | caught / cases | false alarms / clean cases |")
    print("|---|---|---|")
    for code in CODES:
        alarms = sum(any(f.code == code and f.severity != "note" for f in found) for found in clean)
        print(f"| {code} | {caught[code][0]} / {caught[code][1]} | {alarms} / {len(clean)} |")


if __name__ == "__main__":
    main()
