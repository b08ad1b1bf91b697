"""The checked campaign: objectives (with what is known of their minima), method tables with
their grids, and the campaign's settings (built by :mod:`.spec`, the suites by :mod:`.suites`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class ObjectiveDef:
    """One objective of a campaign, with what is known about its minima.

    ``minima`` are known minimizers (global ones for the suites), ``f_star`` the best known
    value (None: unknown, or no minimum), ``source`` where both come from.
    """

    id: str
    formula: str
    params: dict[str, str]
    dim: int | None
    box: tuple[tuple[float, float], ...]
    f_star: float | None
    minima: tuple[tuple[float, ...], ...]
    source: str
    variables: tuple[str, ...] | None = None
    note: str = ""

    @property
    def n(self) -> int:
        return len(self.box)

    @cached_property
    def hash(self) -> str:
        """sha256 of the canonical formula (the parser's canonical key); computed once."""
        from landscape.parse import canonical_key

        key = canonical_key(self.formula, variables=self.variables, params=self.params or None,
                            dim=self.dim)
        return hashlib.sha256(key.encode()).hexdigest()

    def same_as(self, other: ObjectiveDef) -> bool:
        """The same function, box and known minima (sources and notes aside)."""
        keep = ("formula", "params", "dim", "f_star", "minima", "box", "hash")
        a, b = self.record(), other.record()
        return all(a[k] == b[k] for k in keep)

    def record(self) -> dict[str, Any]:
        """campaign.json's entry for this objective."""
        return {"formula": self.formula, "params": self.params, "dim": self.n,
                "f_star": self.f_star, "minima": [list(m) for m in self.minima],
                "box": [list(b) for b in self.box], "source": self.source, "note": self.note,
                "hash": self.hash}


@dataclass(frozen=True)
class MethodDef:
    """One [[method]] table: the method, its grid axes, fixed hyperparameters, run options."""

    name: str
    family: str
    axes: dict[str, list[Any]]
    fixed: dict[str, Any]
    options: dict[str, Any]
    line: int

    def cells(self) -> list[dict[str, Any]]:
        """The grid's cells: the product of the axes (sorted by name), as dicts."""
        names = sorted(self.axes)
        return [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*(self.axes[n] for n in names))]


@dataclass(frozen=True)
class Campaign:
    """A checked spec: objectives × methods (cells) × seeds × starts, and its settings."""

    path: str
    text: str
    raw: dict[str, Any]
    objectives: list[ObjectiveDef]
    methods: list[MethodDef]
    seeds: list[int]
    starts: int
    targets: tuple[float, ...]
    cost_weights: dict[str, float]
    minimum_tol: float
    hp_names: list[str] = field(default_factory=list)
    chunk: int | None = None

    @property
    def hash(self) -> str:
        """sha256 of the canonical JSON of the parsed spec (comments and layout ignored)."""
        return spec_hash(self.raw)


def spec_hash(raw: Mapping[str, Any]) -> str:
    """sha256 of ``json.dumps(raw, sort_keys=True)``."""
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()
