"""Numba signatures shared by generated objective kernels and the compiled optimizer library.

Every objective is compiled to the same seven kernels, all taking a data matrix ``D``
(``(m, k)`` float64, C-contiguous; ``(0, 0)`` for an ordinary formula, one row per sample for a
finite-sum objective, whose value is then the mean over the rows)::

    f(x, D) -> float                 f(x)
    g(x, D, out)                     out[:] = ∇f(x)
    fg(x, D, out) -> float           out[:] = ∇f(x); returns f(x)
    h(x, D, H)                       H[:, :] = ∇²f(x)   (full symmetric matrix)
    f_cols(X, D, F)                  F[k] = f(X[:, k])   X is (n, m): one point per column
    g_cols(X, D, G)                  G[:, k] = ∇f(X[:, k])
    fg_cols(X, D, F, G)              both in one pass (the lock-step optimizers' kernel)

and, on demand, the kernel of an n × n matrix a method declares in place of the Hessian
(its entries built from the formula by a function the method gives,
:meth:`landscape.compiled.CompiledObjective.matrix_kernel`)::

    matrix(x, D, A)                  A[:, :] = the declared matrix at x (full, symmetric)

Compiled code receives them as first-class functions (``numba.types.FunctionType``), so the
optimizer library is compiled once for all formulas.  This module imports Numba but not SymPy.
"""

from __future__ import annotations

from numba import types

VEC = types.float64[::1]
MAT = types.float64[:, ::1]

F_SIG = types.float64(VEC, MAT)
G_SIG = types.void(VEC, MAT, VEC)
FG_SIG = types.float64(VEC, MAT, VEC)
H_SIG = types.void(VEC, MAT, MAT)
F_COLS_SIG = types.void(MAT, MAT, VEC)
G_COLS_SIG = types.void(MAT, MAT, MAT)
FG_COLS_SIG = types.void(MAT, MAT, VEC, MAT)

#: the kind of a declared matrix's kernel (one per declaring function, each in its own entry)
MATRIX = "matrix"

SIGNATURES = {
    "f": F_SIG,
    "g": G_SIG,
    "fg": FG_SIG,
    "h": H_SIG,
    "f_cols": F_COLS_SIG,
    "g_cols": G_COLS_SIG,
    "fg_cols": FG_COLS_SIG,
    MATRIX: H_SIG,
}

#: First-class function types for compiled consumers (optimizers, root finders).
F_TYPE = types.FunctionType(F_SIG)
G_TYPE = types.FunctionType(G_SIG)
FG_TYPE = types.FunctionType(FG_SIG)
H_TYPE = types.FunctionType(H_SIG)
F_COLS_TYPE = types.FunctionType(F_COLS_SIG)
G_COLS_TYPE = types.FunctionType(G_COLS_SIG)
FG_COLS_TYPE = types.FunctionType(FG_COLS_SIG)

#: the kernels every objective can have (a declared matrix exists only where its function
#: gives one)
KINDS = tuple(k for k in SIGNATURES if k != MATRIX)
