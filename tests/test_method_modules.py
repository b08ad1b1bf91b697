"""A method is one module: what is specific to a method lives in its module
(``optimizers/algorithms/<name>.py``), its theory (``analysis/theory/<family>.py``) and its
registry line, and nowhere in the generic layers — the kernel layer, the driver, the rate
study.  Read from the sources (a structural test), with the patterns checked against the lines
they were written to catch."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: the layers that serve every method and must name none
GENERIC = (
    "landscape/kernel_types.py",
    "landscape/codegen.py",
    "landscape/compiled.py",
    "landscape/objective.py",
    "landscape/loader.py",
    "optimizers/driver.py",
    "optimizers/spec.py",
    "analysis/rates.py",
    "analysis/theory/dispatch.py",
)

#: names that belong to one method (lm: its kernel, residuals, Gauss–Newton matrix; the
#: trust-region methods: their shared iteration), case-insensitive
METHOD_SPECIFIC = {
    "gn": r"\bgn\b",
    "lm": r"\blm\b",
    "Gauss-Newton": r"gauss.?newton",
    "Levenberg-Marquardt": r"levenberg|marquardt",
    "sum of squares": r"sums? of squares|sum_of_squares|sumofsquares",
    "residuals": r"\bresiduals\b|residual_sq",
    "JᵀJ": r"jᵀj|j\^t j",
    "hessian_kernel": r"hessian_kernel",
    "the least-squares family": r"[\"']least-squares[\"']",
    "trust region": r"trust.region|trust.ncg|trust.exact",
    "residual": r"\bresidual",
}

#: lines of the code before a method was one module, which the patterns must catch
WERE_THERE = (
    'kernels = (compiled.fg, compiled.kernel(spec.hessian_kernel) if spec.uses_hessian(eff)',
    'if method == "lm":  # Gauss-Newton matrix and residual at x* for its linear rate',
    'comp.gn(xr, comp.data, extra["gauss_newton"])',
    'from .residuals import gauss_newton_sources',
    'KINDS = tuple(k for k in SIGNATURES if k != "gn")',
    'gn = property(lambda self: self.kernel("gn"))',
    'extra["residual_sq"] = comp.value(xr)',
    'from optimizers.trust_region import model_decrease',
)


def _loop_remainder_lines(path: Path) -> set[int]:
    """Lines of ``codegen._loop_sources``, where "residual" is landscape.loops' name for the
    terms of f outside any loop (not a method's residuals)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "_loop_sources":
            return set(range(node.lineno, node.end_lineno + 1))
    raise AssertionError("codegen._loop_sources not found")


def _hits(rel: str) -> list[str]:
    path = ROOT / rel
    text = path.read_text(encoding="utf-8")
    allowed = _loop_remainder_lines(path) if rel == "landscape/codegen.py" else set()
    out = []
    for no, line in enumerate(text.splitlines(), 1):
        for what, pattern in METHOD_SPECIFIC.items():
            if re.search(pattern, line, re.IGNORECASE):
                if what == "residual" and no in allowed and "residuals" not in line.lower():
                    continue
                out.append(f"{rel}:{no}: {what}: {line.strip()}")
    return out


def test_the_patterns_catch_the_method_specific_code_that_was_there():
    for line in WERE_THERE:
        assert any(re.search(p, line, re.IGNORECASE) for p in METHOD_SPECIFIC.values()), line


@pytest.mark.parametrize("rel", GENERIC)
def test_the_generic_layers_name_no_method(rel):
    assert (ROOT / rel).stat().st_size > 1000  # the file is there and is the real one
    assert _hits(rel) == []


def test_no_module_outside_the_methods_holds_one_methods_code():
    """The sum-of-squares reader is lm's, the trust-region iteration trust-ncg's."""
    assert not (ROOT / "landscape" / "residuals.py").exists()
    assert not (ROOT / "optimizers" / "trust_region.py").exists()
    from optimizers.methods import METHODS

    build = METHODS["lm"].matrix_kernel
    assert build.__module__ == "optimizers.algorithms.lm"
    assert all(s.matrix_kernel is None for n, s in METHODS.items() if n != "lm")


def _mentioning(pattern: str) -> set[str]:
    """Source files of the three packages in which ``pattern`` occurs (``git grep -l``)."""
    rx = re.compile(pattern)
    return {str(p.relative_to(ROOT)) for pkg in ("analysis", "optimizers", "landscape")
            for p in (ROOT / pkg).rglob("*.py") if rx.search(p.read_text("utf-8"))}


def test_the_files_that_name_lm_are_its_module_its_theory_and_its_registry_line():
    """The method's name as code or docs write it, its module, and its own functions."""
    found = _mentioning(r"[\"']lm[\"']|``lm``|algorithms\.lm\b|\bgauss_newton|sum_of_squares"
                        r"|[\"']least-squares[\"']")
    assert found == {
        "optimizers/algorithms/lm.py",  # the method
        "optimizers/registry.py",  # its line
        "analysis/theory/least_squares.py",  # its theory
        "analysis/theory/__init__.py",  # the theory package re-exports every family's names
        "analysis/plots.py",  # its colour in the figures
    }


def test_the_files_that_name_the_trust_region_methods():
    found = _mentioning(r"[\"']trust-(ncg|exact)[\"']|``trust-(ncg|exact)``"
                        r"|algorithms\.trust_(ncg|exact)|trust_region_trial|model_decrease")
    assert found == {
        "optimizers/algorithms/trust_ncg.py",  # trust-ncg, with the trust-region iteration
        "optimizers/algorithms/trust_exact.py",  # trust-exact, which uses that iteration
        "optimizers/algorithms/lm.py",  # lm's gain ratio uses its model decrease
        "optimizers/registry.py",  # their lines
        "analysis/theory/trust_region.py",  # their theory
        "analysis/plots.py",  # their colours in the figures
    }


def test_a_helper_borrowed_from_another_method_module_is_that_modules_compiled_one():
    """trust-exact and lm call trust-ncg's trust-region helpers: the engine prepares trust-ncg's
    module first and binds its compiled (inlined) helpers, one compiled object per helper."""
    from numba.core.registry import CPUDispatcher

    from optimizers.engine import prepare
    from optimizers.registry import module

    exact = prepare(module("trust_exact"))
    lm = prepare(module("lm"))
    ncg = module("trust_ncg")
    assert ncg._prepared
    for name in ("trust_region_trial", "trust_region_end", "boundary_tau", "norm2"):
        assert isinstance(getattr(exact, name), CPUDispatcher), name
        assert getattr(exact, name) is getattr(ncg, name), name
    assert lm.model_decrease is ncg.model_decrease
    assert isinstance(ncg.model_decrease, CPUDispatcher)
