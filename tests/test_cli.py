"""The ``landscape`` command in-process: the JSON contracts of design.md, exit codes, reports.

Expected values are closed forms (x² − y², GD iterates on a quadratic, the GD rate
max|1 − ηλ|), independent of the code under test.
"""

from __future__ import annotations

import json

import pytest

from analysis.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_analyze_json_saddle_matches_design(capsys):
    code, out, err = run_cli(capsys, "analyze", "x**2 - y**2", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["variables"] == ["x", "y"] and rec["parameters"] == {}
    assert rec["gradient"] == ["2*x", "-2*y"]
    assert rec["hessian"] == [["2", "0"], ["0", "-2"]]
    assert rec["box"] == [[-5, 5], [-5, 5]]
    assert rec["critical_points_complete"] is True
    (cp,) = rec["critical_points"]
    assert cp["point"] == [0.0, 0.0] and cp["kind"] == "saddle" and cp["index"] == 1
    assert sorted(cp["eigenvalues"]) == [-2.0, 2.0] and cp["condition_number"] == 1.0
    assert cp["degenerate"] is False and cp["exact"] is True
    conv = rec["convexity"]
    assert conv["verdict"] == "nonconvex" and conv["L"] == pytest.approx(2.0)
    w = conv["witness"]
    assert w["min_eigenvalue"] == pytest.approx(-2.0)
    # the chord witness really violates convexity: f(αx + (1−α)y) − (αf(x) + (1−α)f(y)) = gap > 0
    f = lambda p: p[0] ** 2 - p[1] ** 2  # noqa: E731
    c = w["chord"]
    a, x, y = c["alpha"], c["x"], c["y"]
    mid = [a * xi + (1 - a) * yi for xi, yi in zip(x, y, strict=True)]
    gap = f(mid) - (a * f(x) + (1 - a) * f(y))
    assert gap > 0 and gap == pytest.approx(c["gap"], rel=1e-9)


@pytest.mark.parametrize(("formula", "kind"), [("x**3", "saddle"), ("x**4 + y**4", "minimum"),
                                                ("-x**4", "maximum")])
def test_analyze_degenerate_points_by_higher_order_test(capsys, formula, kind):
    code, out, _ = run_cli(capsys, "analyze", formula, "--json")
    assert code == 0
    (cp,) = json.loads(out)["critical_points"]
    assert cp["kind"] == kind and cp["degenerate"] is True and cp["test"] == "higher-order"


def test_run_steps_reproduces_gd_iterates(capsys):
    # GD on x² with η = 0.1: x_k = (1 − 2η)^k x_0 exactly
    code, out, _ = run_cli(capsys, "run", "x**2", "--method", "gd", "--lr", "0.1", "--x0", "10",
                           "--steps", "5", "--json", "--trajectory")
    assert code == 0
    rec = json.loads(out)
    assert rec["status"] == "steps" and rec["nit"] == 5
    assert rec["x"][0] == pytest.approx(10 * 0.8**5, rel=1e-14)
    traj = rec["trajectory"]
    assert [p[0] for p in traj["x"]] == pytest.approx([10 * 0.8**k for k in range(6)], rel=1e-14)
    assert traj["fun"] == pytest.approx([100 * 0.64**k for k in range(6)], rel=1e-14)


def test_run_batch_json_arrays(capsys):
    code, out, _ = run_cli(capsys, "run", "(x - 1)**2 + 2*(y + 2)**2", "--method", "bfgs",
                           "--starts", "64", "--seed", "3", "--json")
    assert code == 0
    rec = json.loads(out)
    assert rec["n_starts"] == 64 and len(rec["x"]) == 64 and len(rec["status"]) == 64
    assert all(s == "converged" for s in rec["status"])
    assert all(p == pytest.approx([1.0, -2.0], abs=1e-6) for p in rec["x"])
    assert "summary" in rec


def test_rates_json_gd_rate_is_max_abs_one_minus_lr_lambda(capsys):
    code, out, _ = run_cli(capsys, "rates", "0.5*x**2 + 5*y**2", "--method", "gd", "--lr",
                           "0.18", "--x0", "1,1", "--json")
    assert code == 0
    rec = json.loads(out)
    expected = max(abs(1 - 0.18 * 1), abs(1 - 0.18 * 10))  # 0.82
    assert rec["predicted"]["rate"] == pytest.approx(expected, rel=1e-12)
    assert rec["measured"]["rate"] == pytest.approx(expected, rel=1e-3)
    assert rec["agree"] is True and rec["reason"] is None


@pytest.mark.parametrize(("argv", "needle"), [
    (["analyze", "x**2 +* y"], "column"),
    (["analyze", "__import__('os')"], ""),
    (["run", "x**2", "--method", "sgdd", "--x0", "1"], "did you mean"),
    (["run", "x**2 + y**2", "--method", "gd", "--x0", "1"], "coordinates"),
    (["report", "x**2", "--methods", "gd,nope"], "unknown method"),
    (["report", "x**2", "-o", "out.txt"], ".pdf"),
    (["analyze"], ""),
    # found by the fuzzer: log(-1, u) = log(-1)/log(u) is complex wherever it is defined
    (["analyze", "x + min(x, log(-(1), (x)**2))"], "non-real value"),
    (["run", "x + (x + log(-(1), (x + x)))", "--method", "bfgs", "--x0", "0.5"],
     "non-real value"),
    (["analyze", "log(x, -2)"], "non-real value"),
])
def test_bad_usage_exits_2_with_one_clear_line(capsys, argv, needle):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err and err.startswith("landscape")
    assert needle.lower() in err.lower()


def test_report_command_writes_pdf_json_csv(capsys, tmp_path):
    pdf = tmp_path / "sub" / "quad.pdf"
    code, out, err = run_cli(capsys, "report", "(x - 1)**2 + 4*y**2", "--methods", "gd,newton",
                             "-o", str(pdf), "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["failures"] == [] and rec["pages"] >= 2
    assert pdf.read_bytes().startswith(b"%PDF")
    data = json.loads(pdf.with_suffix(".json").read_text())
    assert data["formula"] == "(x - 1)**2 + 4*y**2"
    assert data["minimizer"]["point"] == pytest.approx([1.0, 0.0])
    assert pdf.with_suffix(".csv").stat().st_size > 0


def test_study_command_writes_the_study(capsys, tmp_path, monkeypatch):
    import analysis.study as study

    monkeypatch.setattr(study, "SECTIONS", (study.section_quadratic,))
    code, out, err = run_cli(capsys, "study", "-o", str(tmp_path), "--quick", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["failures"] == []
    checks = json.loads((tmp_path / "study.json").read_text())["checks"]
    # GD on x² with η = 0.2: the error contracts by |1 − 2η| = 0.6 per step
    rates = [c for c in checks if "η = 0.2" in c["what"] and "convergence" in c["what"]]
    assert rates and rates[0]["verdict"] == "agrees"
    assert "0.6" in rates[0]["theory"]


def test_unwritable_output_directory_exits_2(capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    for argv in (["study", "-o", str(blocker / "sub")],
                 ["report", "x**2", "-o", str(blocker / "r.pdf")]):
        code, _, err = run_cli(capsys, *argv)
        assert code == 2 and "cannot write to the output directory" in err
        assert "Traceback" not in err and "internal error" not in err


def test_analyze_text_shows_both_chords_of_a_nonconvex_verdict():
    """A verdict refuted both ways by chords shows each: f above one, below the other
    (values of f(x) = x⁴ − 3x² on chords whose gaps are closed forms)."""
    from analysis.cli import _convexity_text

    f = lambda t: t**4 - 3 * t**2  # noqa: E731
    above = {"x": [-0.5], "y": [0.5], "alpha": 0.5, "gap": f(0.0) - (f(-0.5) + f(0.5)) / 2}
    below = {"x": [2.0], "y": [4.0], "alpha": 0.5, "gap": f(3.0) - (f(2.0) + f(4.0)) / 2}
    assert above["gap"] == 0.6875 and below["gap"] == 54 - (4 + 208) / 2 == -52
    lines = _convexity_text({"verdict": "nonconvex", "method": "numeric", "mu": None, "L": 1.0,
                             "witness": {"point": [0.0], "min_eigenvalue": -6.0,
                                         "chord": above, "concave_chord": below}})
    text = "\n".join(lines)
    assert "exceeds a f(x) + (1-a) f(y) by 0.6875 at x = (-0.5), y = (0.5)" in text, text
    assert ("falls short of a f(x) + (1-a) f(y) by 52 at x = (2), y = (4), a = 0.5 (so f is "
            "not concave either)") in text, text
