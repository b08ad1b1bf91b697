"""Small dense linear algebra for compiled code: no BLAS, no allocation (the caller passes
the workspace), one definition of each factorisation for the whole library.  Compiled
without reference counting (:data:`landscape.jit.BORROW`): a step that LLVM inlines them into
stays free of reference counts whichever of them was compiled first in the process.

``cholesky``        lower factor L of A + τI (L Lᵀ = A + τI), or False if not positive definite
``cholesky_index``  the same, returning n, or the first column j where it broke down
``cholesky_solve``  L Lᵀ x = b by forward then back substitution
``lu_solve``        A x = b by Gaussian elimination with partial pivoting
``jacobi_eigh``     A = V diag(w) Vᵀ for symmetric A by cyclic Jacobi rotations
"""

from __future__ import annotations

import math

from numba import njit

from landscape.jit import BORROW

#: Jacobi sweeps cap
MAX_SWEEPS = 100


@njit(**BORROW)
def cholesky_index(A, tau, Lm):
    """Lower Cholesky factor of A + τI into Lm, column by column; returns n, or the first
    column j (0-based) whose pivot s = A_jj + τ − Σₖ<ⱼ L_jk² is not positive (then the rows
    L_j,0..j−1 are computed and A + τI + (−s)e_j e_jᵀ has a singular leading j + 1 block)."""
    n = A.shape[0]
    for j in range(n):
        s = A[j, j] + tau
        for k in range(j):
            s -= Lm[j, k] * Lm[j, k]
        if not (s > 0.0) or not math.isfinite(s):
            return j
        ljj = math.sqrt(s)
        Lm[j, j] = ljj
        for i in range(j + 1, n):
            t = A[i, j]
            for k in range(j):
                t -= Lm[i, k] * Lm[j, k]
            Lm[i, j] = t / ljj
        for i in range(j):
            Lm[i, j] = 0.0
    return n


@njit(**BORROW)
def cholesky(A, tau, Lm):
    """Lower Cholesky factor of A + τI into Lm; returns False if not positive definite."""
    return cholesky_index(A, tau, Lm) == A.shape[0]


@njit(**BORROW)
def cholesky_solve(Lm, b, out):
    """Solve L Lᵀ out = b (forward then back substitution)."""
    n = Lm.shape[0]
    for i in range(n):
        s = b[i]
        for k in range(i):
            s -= Lm[i, k] * out[k]
        out[i] = s / Lm[i, i]
    for i in range(n - 1, -1, -1):
        s = out[i]
        for k in range(i + 1, n):
            s -= Lm[k, i] * out[k]
        out[i] = s / Lm[i, i]


@njit(**BORROW)
def lu_solve(A, b, W, out):
    """Solve A out = b by Gaussian elimination with partial pivoting (A copied into W).

    Returns False when a pivot is zero or below n·ε·max|A| (numerically singular).
    """
    n = A.shape[0]
    amax = 0.0
    for i in range(n):
        out[i] = b[i]
        for j in range(n):
            W[i, j] = A[i, j]
            if abs(A[i, j]) > amax:
                amax = abs(A[i, j])
    if not (amax > 0.0) or not math.isfinite(amax):
        return False
    tiny = n * 2.220446049250313e-16 * amax
    for c in range(n):
        p = c
        for r in range(c + 1, n):
            if abs(W[r, c]) > abs(W[p, c]):
                p = r
        if abs(W[p, c]) <= tiny:
            return False
        if p != c:
            for j in range(n):
                t = W[c, j]
                W[c, j] = W[p, j]
                W[p, j] = t
            t = out[c]
            out[c] = out[p]
            out[p] = t
        for r in range(c + 1, n):
            m = W[r, c] / W[c, c]
            if m != 0.0:
                for j in range(c, n):
                    W[r, j] -= m * W[c, j]
                out[r] -= m * out[c]
    for i in range(n - 1, -1, -1):
        s = out[i]
        for j in range(i + 1, n):
            s -= W[i, j] * out[j]
        out[i] = s / W[i, i]
    return True


@njit(**BORROW)
def jacobi_eigh(A, W, V, w):
    """Eigendecomposition of symmetric A by cyclic Jacobi rotations: A = V diag(w) Vᵀ.

    Rotation (Numerical Recipes §11.1): θ = (a_qq − a_pp)/(2a_pq), t = sgn θ/(|θ| + √(θ²+1)),
    c = 1/√(t²+1), s = tc; sweeps until the off-diagonal mass is below (ε‖A‖_F)².
    """
    n = A.shape[0]
    fro = 0.0
    for i in range(n):
        for j in range(n):
            W[i, j] = A[i, j]
            V[i, j] = 1.0 if i == j else 0.0
            fro += A[i, j] * A[i, j]
    tol = (2.220446049250313e-16) ** 2 * fro
    for _ in range(MAX_SWEEPS):
        off = 0.0
        for p in range(n):
            for q in range(p + 1, n):
                off += W[p, q] * W[p, q]
        if off <= tol or not math.isfinite(off):
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = W[p, q]
                if apq == 0.0:
                    continue
                theta = (W[q, q] - W[p, p]) / (2.0 * apq)
                t = 1.0 / (abs(theta) + math.sqrt(theta * theta + 1.0))
                if theta < 0.0:
                    t = -t
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                for k in range(n):
                    akp = W[k, p]
                    akq = W[k, q]
                    W[k, p] = c * akp - s * akq
                    W[k, q] = s * akp + c * akq
                for k in range(n):
                    apk = W[p, k]
                    aqk = W[q, k]
                    W[p, k] = c * apk - s * aqk
                    W[q, k] = s * apk + c * aqk
                for k in range(n):
                    vkp = V[k, p]
                    vkq = V[k, q]
                    V[k, p] = c * vkp - s * vkq
                    V[k, q] = s * vkp + c * vkq
    for i in range(n):
        w[i] = W[i, i]
