"""The report: self-contained HTML with the fit's tables, findings and figures; rebuilt on demand."""

import re

import pytest

import nnfit
from nnfit.plots import REPORT


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    result = nnfit.fit("x**2 + x", domain="x=1:1000", samples=1500, steps=600, query="20; 1500")
    return result, result.save(tmp_path_factory.mktemp("r") / "run")


def test_report_is_self_contained(run):
    _, path = run
    page = (path / "report.html").read_text()
    assert "http://" not in page and "https://" not in page
    assert len(re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', page)) == len(REPORT)
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing loaded from anywhere else
    for kind in REPORT:
        assert (path / f"{kind}.png").read_bytes().startswith(b"\x89PNG")


def test_report_holds_the_fit_numbers(run):
    result, path = run
    page = (path / "report.html").read_text()
    assert f"<td>{result.evaluation['test']['rrmse']:.4g}</td>" in page
    assert f"<td>{result.evaluation['1.5-2x']['rrmse']:.4g}</td>" in page
    assert 'class="outside">OUTSIDE</td>' in page  # the query at x = 1500
    assert result.recipe.summary() in page
    for finding in result.findings:
        assert f"<b>{finding.code}</b>" in page


def test_report_command_rebuilds_it(run, cli):
    _, path = run
    (path / "report.html").unlink()
    outcome = cli("report", str(path))
    assert outcome.code == 0 and outcome.out.strip() == f"report  {path / 'report.html'}"
    assert (path / "report.html").is_file()


def test_notebook_view(run):
    result, _ = run
    view = result._repr_html_()
    assert view.startswith("<p><b>f = x**2 + x</b>") and "<table>" in view and "rRMSE" in view
