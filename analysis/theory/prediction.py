"""The result type of every predictor: :class:`Prediction` (``to_json()`` is the ``predicted``
object of ``landscape rates --json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.empirical import KINDS
from landscape.jsonutil import jsonable

# --------------------------------------------------------------------------------------------
# Result type
# --------------------------------------------------------------------------------------------


#: the predicted-kind cell's reason of a ``none`` prediction that names no shorter one
NO_RATE_PROMISED = "no rate promised"


@dataclass
class Prediction:
    """What theory predicts for the local behaviour of one method at one critical point.

    ``kind`` is one of :data:`KINDS`; ``rate`` the asymptotic linear contraction factor of
    ``||x - x*||`` (a growth factor > 1 for ``diverges``; ``None`` where no factor applies);
    ``order`` the q-order (1 linear, 2 quadratic, 3 cubic, ``None`` when not predicted);
    ``basis`` a short formula; ``exact`` is true for a closed form and false for a bound (then
    ``rate`` is an upper bound and ``kind`` the slowest kind allowed; ``finite_steps`` an upper
    bound); ``stable`` whether the iteration converges to x* (False: "not convergent to x*",
    kind ``diverges``: the error leaves x*'s neighbourhood — a blow-up, or on a non-quadratic
    f possibly a cycle, which ``exact=False`` allows). Further fields used by
    :mod:`analysis.compare`:

    * ``exponent``: for ``sublinear``, ``p`` in ``||e_k|| ~ C k^-p``;
    * ``oscillating``: whether the dominant mode alternates sign (``None``: undecided/n.a.);
    * ``error_level``: stochastic runs, stationary ``E||x_k - x*||^2``;
    * ``error_constant``: stochastic runs, ``C`` in ``E||x_k - x*||^2 ~ C/k``;
    * ``finite_steps``: for ``finite``, the iterations to reach x* (Newton on a quadratic: 1;
      linear CG: at most the number of distinct eigenvalues);
    * ``band``: for ``bounded``, the predicted diameter of the set the iterates settle in
      (constant-step subgradient method at a kink: ``2 lr G``); ``period`` a predicted cycle
      length (None: not predicted);
    * ``reason``: for ``none``, why theory promises nothing here; ``short_reason`` the same in
      a few words, as a table's predicted-kind cell says it (``no theory at a kink``);
    * ``valid_from``: first iteration the prediction applies to (end of warm-up / schedule);
    * ``degenerate``: a zero eigenvalue; ``fixed_step``: theory assumes the step set by the
      hyperparameters is taken as is; ``line_search``: the line search of the run;
    * ``stochastic``: gradient noise present; ``details``: method-specific numbers.
    """

    kind: str
    rate: float | None = None
    order: float | None = None
    basis: str = ""
    exact: bool = True
    notes: list[str] = field(default_factory=list)
    stable: bool = True
    exponent: float | None = None
    oscillating: bool | None = None
    error_level: float | None = None
    error_constant: float | None = None
    finite_steps: int | None = None
    valid_from: int = 0
    degenerate: bool = False
    fixed_step: bool = True
    line_search: str | None = None
    stochastic: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    band: float | None = None
    period: int | None = None
    reason: str | None = None
    short_reason: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.kind == "none" and self.reason is None:
            self.reason = self.notes[-1] if self.notes else "theory promises no rate here"
        if self.kind == "none" and self.short_reason is None:
            self.short_reason = NO_RATE_PROMISED

    def to_json(self) -> dict[str, Any]:
        """The ``predicted`` object: design keys first, then the extra fields (non-finite→null)."""
        return jsonable(
            {
                "kind": self.kind,
                "rate": self.rate,
                "order": self.order,
                "basis": self.basis,
                "finite_steps": self.finite_steps,
                "exponent": self.exponent,
                "period": self.period,
                "band": self.band,
                "reason": self.reason,
                "short_reason": self.short_reason,
                "exact": self.exact,
                "stable": self.stable,
                "oscillating": self.oscillating,
                "error_level": self.error_level,
                "error_constant": self.error_constant,
                "valid_from": self.valid_from,
                "degenerate": self.degenerate,
                "fixed_step": self.fixed_step,
                "line_search": self.line_search,
                "stochastic": self.stochastic,
                "notes": list(self.notes),
                "details": self.details,
            }
        )
