"""tests/ mirrors the packages: every module of nnfit has a test file of its own where a reader
looks for it, and every folder of tests/ is a package of nnfit or the project's own checks."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "nnfit"
TESTS = ROOT / "tests"
# what needs no test file of its own: `python -m nnfit` (five lines over the command line's entry)
# and the re-exports of a package's __init__
UNTESTED = {"__main__.py"}


def expected(module: Path) -> Path:
    """The test file of a module: tests/<package>/test_<name>.py, the leading _ of a private module
    dropped; the top-level package's __init__ (its public API) is tests/test_api.py."""
    relative = module.relative_to(PACKAGE)
    if relative == Path("__init__.py"):
        return TESTS / "test_api.py"
    return TESTS / relative.parent / f"test_{relative.stem.lstrip('_')}.py"


def modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if path.name not in UNTESTED and not (path.name == "__init__.py" and path.parent != PACKAGE)
    )


def test_every_module_has_its_own_test_file():
    missing = [str(expected(m).relative_to(ROOT)) for m in modules() if not expected(m).is_file()]
    assert not missing, f"modules without a test file: {missing}"


def test_every_test_folder_is_a_package_or_the_projects_checks():
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    folders = {path.name for path in TESTS.iterdir() if path.is_dir() and not path.name.startswith((".", "__"))}
    assert folders <= packages | {"project"}, folders - packages
