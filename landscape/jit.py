"""The one set of Numba options of the compiled library (plain dicts: importing this module
imports no Numba).

``KERNEL``  ``nogil``, ``error_model="numpy"`` (floating-point exceptions give inf/NaN, as in
            NumPy, instead of raising): every compiled function of the optimizers.
``CACHED``  ``KERNEL`` + ``cache=True``: self-contained leaves (no constants or helpers from
            other modules), whose disk-cache entry cannot outlive a change elsewhere.
``INLINE``  ``KERNEL`` + ``inline="always"``: small helpers that take arrays, inlined in Numba
            IR (no call and no reference counting of the array arguments per column and step).
            Each call site is a copy (its type inference and lowering repeated, and its
            machine code optimised again in every caller): a helper called from several
            places off the hot path takes ``KERNEL`` or ``KERNEL_NORC`` instead, and its
            callers pass typed values (``np.int64(0)``, not ``0``: a literal argument is a
            type of its own and compiles the helper once more).
``BORROW``  ``CACHED`` without Numba's reference counting (``_nrt=False``), inherited by every
            helper it calls: functions that only read and write arrays owned by their caller
            and allocate none (a per-start method's step, called once per iteration through a
            function pointer).  Every array argument and every view of one would otherwise
            cost an atomic increment and decrement per call; an allocation inside fails to
            compile.
``KERNEL_NORC`` ``KERNEL`` without reference counting (``_nrt=False``), as ``BORROW`` but not
            cached on its own: a hot loop over arrays its caller allocated, which takes views
            and passes arrays to other functions per iteration (each an atomic increment and
            decrement otherwise).
``REASSOC`` ``KERNEL`` + ``fastmath={"reassoc"}`` + ``_nrt=False``: a reduction whose result
            does not depend on the order of its terms (a test whether a sum is finite and
            small), which LLVM may then vectorise; NaN and inf keep their meaning (no
            ``nnan``/``ninf``).  Called directly, not inlined (inlining would compile it with
            the caller's options).

Functions that use constants or helpers of other modules take ``KERNEL`` (not cached on their
own: Numba keys a cache entry on its own file only); they are cached as part of the entry
points, whose cache is keyed on every compiled module (:mod:`optimizers.engine`).
"""

from __future__ import annotations

KERNEL: dict[str, object] = {"nogil": True, "error_model": "numpy"}
CACHED: dict[str, object] = {**KERNEL, "cache": True}
INLINE: dict[str, object] = {**KERNEL, "inline": "always"}
BORROW: dict[str, object] = {**CACHED, "_nrt": False}
KERNEL_NORC: dict[str, object] = {**KERNEL, "_nrt": False}
REASSOC: dict[str, object] = {**KERNEL, "fastmath": {"reassoc"}, "_nrt": False}
