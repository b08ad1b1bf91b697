"""Loop kernels for index-shifted repeated terms (:mod:`landscape.loops`, loop form of
:mod:`landscape.codegen`).

Expected values come from independent sources: SciPy's closed forms of the chained Rosenbrock
function (``rosen``, ``rosen_der``, ``rosen_hess``), and the straight-line kernels generated
from the full symbolic gradient and Hessian (``loops=False``).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import rosen, rosen_der, rosen_hess

from landscape.codegen import generate_sources
from landscape.compiled import CompiledObjective, store
from landscape.loops import LOOP_MIN, find_loops, fuse, placeholders, progressions
from landscape.objective import Objective

ROSEN = "sum(100*(x[i+1] - x[i]**2)**2 + (1 - x[i])**2, i, 1, n-1)"
#: a strided template, a template of kinks and branches, and residual terms
MIXED = ("sum((x[2*i] - x[2*i-1])**2, i, 1, n//2) + x[1]*x[n] + abs(x[3])"
         " + sum(log(1 + x[i]**2) + abs(x[i] - x[i+2]) + max(x[i], x[i+1])"
         " + (x[i]*x[i+1] if x[i+1] > 0 else -x[i]**3), i, 2, n-3)")
RTOL = 1e-12


def _sources(obj: Objective, loops: bool) -> dict[str, str]:
    return generate_sources(obj.expr, obj.variables, lambda: obj.gradient_list,
                            lambda: obj.hessian_entries, obj.data_symbols, loops=loops)


def _kernels(obj: Objective, loops: bool) -> CompiledObjective:
    """Kernels stored under a key made of their own source text (never a stale entry)."""
    sources = _sources(obj, loops)
    blob = "\n".join(sources[k] for k in sorted(sources))
    key = "test-codegen-loops:" + hashlib.sha256(blob.encode()).hexdigest()
    return store(key, sources, variables=obj.names)


def _close(actual, expected, rtol: float = RTOL) -> None:
    actual, expected = np.asarray(actual), np.asarray(expected)
    scale = max(1.0, float(np.max(np.abs(expected))))
    assert actual.shape == expected.shape
    assert np.max(np.abs(actual - expected)) <= rtol * scale, (actual, expected)


def _evaluate(c: CompiledObjective, x: np.ndarray, X: np.ndarray) -> dict[str, np.ndarray]:
    """Every kernel at ``x`` (and the column kernels at the columns of ``X``), with outputs
    pre-filled with NaN so that an entry the kernel forgets to write shows."""
    n, D = x.size, np.zeros((0, 0))
    g, gfg, H = np.full(n, np.nan), np.full(n, np.nan), np.full((n, n), np.nan)
    F, G = np.full(X.shape[1], np.nan), np.full(X.shape, np.nan)
    F2, G2 = np.full(X.shape[1], np.nan), np.full(X.shape, np.nan)
    c.g(x, D, g)
    ffg = c.fg(x, D, gfg)
    c.h(x, D, H)
    c.f_cols(X, D, F)
    c.g_cols(X, D, G)
    c.fg_cols(X, D, F2, G2)
    return {"f": np.array(c.f(x, D)), "g": g, "fg_f": np.array(ffg), "fg_g": gfg, "h": H,
            "f_cols": F, "g_cols": G, "fg_cols_f": F2, "fg_cols_g": G2}


# ----------------------------------------------------------------------------- grouping
def test_rosenbrock_has_two_groups_over_the_whole_chain():
    obj = Objective.parse(ROSEN, dim=30)
    plan = find_loops(obj.expr, obj.variables)
    y0, y1 = placeholders(2)
    assert plan.residual == 0
    assert {g.template for g in plan.groups} == {(1 - y0) ** 2, 100 * (y1 - y0**2) ** 2}
    assert {(g.start, g.stop, g.step, g.count) for g in plan.groups} == {(0, 29, 1, 29)}
    assert {g.width for g in plan.groups} == {1, 2}
    (fused,) = fuse(plan.groups)
    assert fused.template == (1 - y0) ** 2 + 100 * (y1 - y0**2) ** 2 and fused.width == 2


def _rebuild(plan, variables) -> sp.Expr:
    """residual + Σ loops, with every loop written out term by term."""
    total = plan.residual
    for g in plan.groups:
        ys = placeholders(g.width)
        for i in range(g.start, g.stop, g.step):
            total += g.template.xreplace({ys[a]: variables[i + a] for a in range(g.width)})
    return total


def test_strided_template_and_residual_terms():
    obj = Objective.parse(MIXED, dim=24)
    plan = find_loops(obj.expr, obj.variables)
    x = obj.variables
    ranges = sorted((g.start, g.stop, g.step) for g in plan.groups)
    assert ranges[0] == (0, 23, 2)  # (x2 - x1)**2, (x4 - x3)**2, ...: bases 0, 2, ..., 22
    assert {r for r in ranges[1:]} == {(1, 21, 1)}  # the second sum: i = 2 … n-3
    assert len(ranges) == 5  # log, abs, max and the branch are four templates of one range
    assert set(sp.Add.make_args(plan.residual)) == {x[0] * x[23], sp.Abs(x[2])}
    rng = np.random.default_rng(1)
    for _ in range(3):  # exact equality at random rational points
        point = {v: sp.Rational(int(rng.integers(-40, 40)), 7) for v in x}
        assert (_rebuild(plan, x) - obj.expr).xreplace(point) == 0


def test_a_typed_out_sum_is_found_as_well():
    text = " + ".join(f"(x{i} - 2*x{i + 1})**2" for i in range(1, 16))
    obj = Objective.parse(text)
    plan = find_loops(obj.expr, obj.variables)
    assert plan.residual == 0 and len(plan.groups) == 1
    assert (plan.groups[0].start, plan.groups[0].stop, plan.groups[0].step) == (0, 15, 1)


@pytest.mark.parametrize(
    "text",
    [
        # bases 0, 1, 3, 6, 10, ...: repeated template, no arithmetic progression
        " + ".join(f"sin(x[{k * (k + 1) // 2 + 1}])" for k in range(LOOP_MIN + 2)),
        # a progression one member too short
        f"sum(exp(x[i]) * x[i+1], i, 1, {LOOP_MIN - 1})",
        # index-dependent coefficients: a different template per term
        "sum(i * x[i]**2, i, 1, 20)",
        "sin(x[2]) * y + z",
    ],
)
def test_irregular_or_short_repeats_stay_straight_line(text):
    obj = Objective.parse(text, dim=100)  # x1 … x100 are all variables, used or not
    plan = find_loops(obj.expr, obj.variables)
    assert plan.groups == () and plan.residual == obj.expr


def test_progressions_are_maximal_and_skip_a_short_prefix():
    runs, rest = progressions([0, 5, 6, 7, 8, 9, 10, 20, 22, 24, 26, 27], 4)
    assert runs == [range(5, 11), range(20, 27, 2)] and rest == [0, 27]
    assert progressions([3, 4, 5], 4) == ([], [3, 4, 5])


def test_terms_with_data_or_without_variables_are_residual():
    a, x1, x2, x3 = sp.symbols("a x1 x2 x3", real=True)
    plan = find_loops(3 + a * x1 + a * x2 + x1 * x2 + x2 * x3, [x1, x2, x3], min_run=2)
    assert set(sp.Add.make_args(plan.residual)) == {sp.Integer(3), a * x1, a * x2}
    assert [(g.start, g.stop, g.step) for g in plan.groups] == [(0, 2, 1)]


# ----------------------------------------------------------------------------- kernels
@pytest.fixture(scope="module")
def rosen30():
    obj = Objective.parse(ROSEN, dim=30)
    return obj, _kernels(obj, loops=True), _kernels(obj, loops=False)


def test_rosenbrock_loop_kernels_match_scipy_and_straight_line(rosen30):
    obj, loop, straight = rosen30
    assert "for _i in range(0, 29):" in (loop.directory / "fg.py").read_text()
    assert "for _i in range(0, 29)" not in (straight.directory / "fg.py").read_text()
    rng = np.random.default_rng(20240611)
    for _ in range(3):
        x = rng.uniform(-2.0, 2.0, obj.n)
        X = np.ascontiguousarray(rng.uniform(-2.0, 2.0, (obj.n, 13)))
        got = _evaluate(loop, x, X)
        _close(got["f"], rosen(x))
        _close(got["fg_f"], rosen(x))
        _close(got["g"], rosen_der(x))
        _close(got["fg_g"], rosen_der(x))
        _close(got["h"], rosen_hess(x))
        _close(got["f_cols"], [rosen(c) for c in X.T])
        _close(got["g_cols"], np.array([rosen_der(c) for c in X.T]).T)
        _close(got["fg_cols_f"], [rosen(c) for c in X.T])
        _close(got["fg_cols_g"], np.array([rosen_der(c) for c in X.T]).T)
        ref = _evaluate(straight, x, X)
        for kind, value in got.items():
            _close(value, ref[kind])


def test_mixed_template_stride_and_residual_match_straight_line():
    obj = Objective.parse(MIXED, dim=24)
    loop, straight = _kernels(obj, loops=True), _kernels(obj, loops=False)
    assert "range(0, 23, 2)" in (loop.directory / "g.py").read_text()
    rng = np.random.default_rng(7)
    for _ in range(4):
        x = rng.uniform(-2.0, 2.0, obj.n)
        X = np.ascontiguousarray(rng.uniform(-2.0, 2.0, (obj.n, 9)))
        got, ref = _evaluate(loop, x, X), _evaluate(straight, x, X)
        for kind, value in got.items():
            _close(value, ref[kind])
        assert np.array_equal(got["h"], got["h"].T)
    # an independent check of the value: the formula evaluated by SymPy
    x = rng.uniform(-2.0, 2.0, obj.n)
    exact = float(obj.expr.xreplace(dict(zip(obj.variables, map(sp.Float, x), strict=True))))
    _close(loop.value(x), exact)


def test_objective_compiles_loops_without_the_symbolic_derivatives(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDSCAPE_CACHE_DIR", str(tmp_path))
    obj = Objective.parse(ROSEN, dim=40)
    compiled = obj.compiled
    assert "gradient_list" not in obj.__dict__ and "hessian_entries" not in obj.__dict__
    x = np.random.default_rng(3).uniform(-2.0, 2.0, obj.n)
    _close(compiled.gradient(x), rosen_der(x))
    _close(compiled.value(x), rosen(x))


@pytest.mark.parametrize(
    "text, data, dim",
    [
        ("x*y + sin(z) + abs(x - y)", (), None),
        (ROSEN, (), LOOP_MIN),  # LOOP_MIN - 1 members in each group: too short
        ("sum((w[i] - a)**2, i, 1, 12)", ("a",), None),  # data: finite sums stay as they are
    ],
)
def test_without_loops_the_sources_are_the_straight_line_ones(text, data, dim):
    obj = Objective.parse(text, data=data, dim=dim)
    assert _sources(obj, loops=True) == _sources(obj, loops=False)
    assert "for _i in range(0" not in _sources(obj, loops=True)["fg"]
