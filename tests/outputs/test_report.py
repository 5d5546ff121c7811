"""The report: self-contained HTML with the fit's tables, findings and figures; rebuilt on demand."""

import re

import pytest

import nnfit
from nnfit.outputs._plots import REPORT


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


def test_notebook_view(run):
    result, _ = run
    view = result._repr_html_()
    assert view.startswith("<p><b>f = x**2 + x</b>") and "<table>" in view and "rRMSE" in view


def test_every_report_has_a_closed_form_section(run):
    result, path = run
    assert not result.laws
    assert "<h2>Closed form</h2><p>not searched: fit with <code>--discover</code>" in (path / "report.html").read_text()


def test_a_law_found_is_shown_beside_the_network(tmp_path):
    result = nnfit.fit("x**2 + x", domain="x=1:1000", samples=1000, steps=50, discover=True)
    page = (result.save(tmp_path / "run") / "report.html").read_text()
    assert "<b><code>f = x**2 + x</code></b><br>x**2 + x: validation rRMSE 0, at the noise floor 1e-09" in page
    shell = result.evaluation["1.5-2x"]
    row = f"<tr><td>1.5-2x</td><td>{shell['rrmse']:.4g}</td><td>0</td><td>{shell['max_abs_error']:.4g}</td><td>0</td></tr>"
    assert row in page


def test_a_law_found_answers_the_query_points_beside_the_network(tmp_path):
    result = nnfit.fit("x**2 + x", domain="x=1:1000", samples=1000, steps=50, discover=True, query="20; 1500")
    page = (result.save(tmp_path / "run") / "report.html").read_text()
    assert "<th>f by law</th>" in page
    query = result.queries[1]
    assert f"<td>1500</td><td>{query.prediction[0]:.6g}</td><td>{query.interval_text()}</td><td>2.2515e+06</td>" in page
