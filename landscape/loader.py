"""Formula text → compiled objective through the kernel cache, without SymPy on a hit.

This sits above both :mod:`landscape.compiled` (the cache, NumPy and Numba only) and
:mod:`landscape.objective` (SymPy): a cache miss parses, differentiates and compiles the
formula with :class:`~landscape.objective.Objective`, a hit loads the stored kernels only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .compiled import CompiledObjective, load


def load_formula(
    text: str,
    *,
    variables: Sequence[str] | None = None,
    params: Mapping[str, Any] | None = None,
    dim: int | None = None,
    data_names: Sequence[str] = (),
    data: Any = None,
) -> CompiledObjective:
    """Formula text → compiled objective, from the cache without SymPy when possible.

    On a cache miss the formula is parsed, differentiated and compiled (SymPy is imported).
    """
    from .parse import canonical_key

    key = canonical_key(text, variables=variables, params=params, dim=dim, data=data_names)

    def parsed():
        from .objective import Objective

        return Objective.parse(text, variables=variables, params=params, dim=dim,
                               data=data_names)

    hit = load(key, data, sources=lambda kinds, build=None: parsed().kernel_sources(kinds, build))
    if hit is not None:
        return hit
    obj = parsed()
    return obj.compiled.with_data(data) if data is not None else obj.compiled
