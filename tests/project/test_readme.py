"""The README opens with the two set-up commands, and CI runs the second one."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme, re.DOTALL)
    assert readme.index("```bash") < readme.index("\n## ")  # the first thing after the title
    install, test = block.group(1).strip().splitlines()
    assert install.startswith("pip install -e . && nnfit fit ")
    assert test.startswith('pip install -e ".[dev]" && ')
    ci_commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    # before it, only the machine's set-up: a missing system package installed, an environment variable
    assert ci_commands[-1] == test
    assert all(line.startswith(("command -v ", "export ")) for line in ci_commands[:-1])
