"""What the command line prints for a fit: the summary, the metrics inside and outside the domain
(an ensemble's spread too), and the findings or that there are none."""

QUICK = ("--samples", "500", "--steps", "200", "--quiet")  # what is printed, not how well it fits
ONE_INPUT = ("--domain", "x=0:1", "--samples", "500", "--steps", "300", "--quiet")


def test_fit_prints_the_summary(cli, tmp_path):
    outcome = cli("fit", "x^2 + 2*y", "--domain", "x=0:100, y=0:1000:int", *QUICK, "--query", "45,100; 200,2000")
    assert outcome.code == 0, outcome.err
    out = outcome.out
    assert "f = x**2 + 2*y over x=0:100, y=0:1000:int" in out
    assert "recipe  mlp 64-64 gelu | mse adam lr 0.01 cosine | batch 128, 200 steps" in out
    for word in ("inside", "test", "1-1.5x", "1.5-2x", "rRMSE", "OUTSIDE", "run     nnfit-runs/001-x_2_2_y"):
        assert word in out
    assert (tmp_path / "nnfit-runs" / "001-x_2_2_y" / "model.safetensors").is_file()


def test_fit_summary_lists_findings_or_says_none(cli):
    clean = cli("fit", "x", *ONE_INPUT, "--model", "mlp")
    assert "findings: none" in clean.out or "note extrapolation" in clean.out
    broken = cli("fit", "x", *ONE_INPUT, "--model", "mlp", "--repeat-batch")
    assert "warning repeated-batch: the same 128 samples at every one of 300 steps" in broken.out


def test_cli_shows_the_spread(cli):
    outcome = cli("fit", "x**2", *ONE_INPUT, "--ensemble", "3", "--no-report")
    assert outcome.code == 0, outcome.err
    assert "spread" in outcome.out and "ensemble of 3" in outcome.out
