"""A small campaign store written by running the optimizers, for the campaign-report tests.

Rows are written by :mod:`analysis.campaign.store` (one row per start): every start of every
(objective, method, cell) is run by :func:`optimizers.driver.minimize_batch` with ``record=True``;
``hit_iter`` is read off the recorded f per iterate (first k with f_k − f* ≤ Δ) and
``hit_cost`` is the estimate ``cost·k/nit`` (per-iteration counts are not recorded), as the
schema allows and ``campaign.json`` says.  Nothing here is a hard-coded result.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from pathlib import Path

import numpy as np

from analysis.campaign.store import write_meta, write_part
from landscape import Objective
from optimizers.driver import minimize_batch
from optimizers.registry import spec_module

TARGETS = [10.0 ** -k for k in range(-1, 9)]
WEIGHTS = {"f": 1.0, "g": 1.0, "h": 2.0}

#: objective id → (formula, box, f*, known minima)
OBJECTIVES = {
    "quadratic": ("0.5*x**2 + 5*y**2", [[-2.0, 2.0], [-2.0, 2.0]], 0.0, [[0.0, 0.0]]),
    "himmelblau": ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", [[-5.0, 5.0], [-5.0, 5.0]], 0.0,
                   [[3.0, 2.0], [-2.805118086952745, 3.131312518250573],
                    [-3.779310253377747, -3.283185991286170],
                    [3.584428340330492, -1.848126526964404]]),
}

#: method → (grid axes, fixed hyperparameters)
METHODS = {
    "gd": ({"lr": [0.01, 0.05, 0.1, 0.15, 0.19, 0.21, 0.25]}, {}),
    "momentum": ({"lr": [0.01, 0.05, 0.1, 0.2, 0.3], "momentum": [0.0, 0.3, 0.6, 0.9]}, {}),
    "bfgs": ({}, {}),
}


def _cells(axes: dict[str, list[float]]) -> list[dict[str, float]]:
    names = sorted(axes)
    return [dict(zip(names, vals, strict=True))
            for vals in itertools.product(*(axes[n] for n in names))]


def _hits(fun_path: np.ndarray, nit: int, cost: float, f_star: float | None
          ) -> tuple[list | None, list | None]:
    if f_star is None:  # no targets without f*
        return None, None
    gap = fun_path[: nit + 1] - f_star
    iters, costs = [], []
    for t in TARGETS:
        k = np.flatnonzero(np.isfinite(gap) & (gap <= t))
        if k.size:
            iters.append(int(k[0]))
            costs.append(cost * int(k[0]) / nit if nit else 0.0)
        else:
            iters.append(-1)
            costs.append(-1.0)
    return iters, costs


def write_store(root: Path, *, starts: int = 12, seed: int = 3, maxiter: int = 400,
                objectives: dict | None = None, methods: dict | None = None) -> Path:
    """Run the campaign and write ``root/campaign.json`` and ``root/results/*.parquet``."""
    objectives = OBJECTIVES if objectives is None else objectives
    methods = METHODS if methods is None else methods
    hp_names = sorted({n for axes, _ in methods.values() for n in axes})
    meta = {"objectives": {}, "targets": TARGETS, "cost_weights": WEIGHTS, "schema_version": 1,
            "spec": {"seed": seed, "starts": starts}, "spec_hash": "test",
            "starts": starts, "seeds": [seed],  # as the campaign store writes them
            "cost_how": {"hit_cost": "estimated: cost·k/nit for the first iteration k that "
                                     "reached the target"},
            "minimum_tol": 1e-3}
    tasks = 0
    for oi, (oid, (formula, box, f_star, minima)) in enumerate(objectives.items()):
        obj = Objective.parse(formula)
        meta["objectives"][oid] = {"formula": formula, "params": {}, "dim": obj.n,
                                   "f_star": f_star,
                                   "minima": minima, "box": box, "source": "test"}
        B = np.asarray(box, float)
        M = np.asarray(minima, float).reshape(-1, obj.n)
        for method, (axes, fixed) in methods.items():
            family = spec_module(method).SPEC.family
            for ci, cell in enumerate(_cells(axes)):
                rng = np.random.default_rng([seed, oi, ci])
                X0 = B[:, 0] + (B[:, 1] - B[:, 0]) * rng.random((starts, obj.n))
                # ``steps`` in a method's fixed options: runs of that many steps (no maxiter)
                hyper = {**{k: v for k, v in fixed.items() if k != "steps"}, **cell}
                run = ({"steps": int(fixed["steps"])} if "steps" in fixed
                       else {"maxiter": maxiter})
                if ci == 0:  # compile before timing: seconds are a warm node's
                    minimize_batch(obj, X0[:1], method, maxiter=2, **hyper)
                t0 = time.perf_counter()
                r = minimize_batch(obj, X0, method, record=True, **run, **hyper)
                secs = (time.perf_counter() - t0) / starts
                task = f"{oid}-{method}-{ci}"
                cols: dict[str, list] = {k: [] for k in (
                    "task_id objective_id objective_hash objective dim method family hyper "
                    "cell seed start x0 x fun f_star status success nit nfev njev nhev minimum "
                    "hit_iter hit_cost cost seconds").split()}
                for n in hp_names:
                    cols["hp_" + n] = []
                for i in range(starts):
                    cost = (WEIGHTS["f"] * r.nfev[i] + WEIGHTS["g"] * r.njev[i]
                            + WEIGHTS["h"] * r.nhev[i])
                    hi, hc = _hits(r.fun_path[i], int(r.nit[i]), float(cost), f_star)
                    x = r.x[i]
                    d = np.max(np.abs(M - x), axis=1) if M.size and np.all(np.isfinite(x)) \
                        else None
                    mi = int(np.argmin(d)) if d is not None and d.min() <= 1e-3 else None
                    row = {"task_id": task, "objective_id": oid,
                           "objective_hash": hashlib.sha256(formula.encode()).hexdigest(),
                           "objective": formula, "dim": obj.n, "method": method,
                           "family": family, "hyper": json.dumps(hyper, sort_keys=True),
                           "cell": ",".join(f"{k}={v:g}" for k, v in sorted(cell.items())),
                           "seed": seed, "start": i, "x0": list(X0[i]), "x": list(x),
                           "fun": float(r.fun[i]), "f_star": f_star, "status": str(r.status[i]),
                           "success": bool(r.success[i]), "nit": int(r.nit[i]),
                           "nfev": int(r.nfev[i]), "njev": int(r.njev[i]),
                           "nhev": int(r.nhev[i]), "minimum": mi, "hit_iter": hi,
                           "hit_cost": hc, "cost": float(cost), "seconds": secs}
                    for k, v in row.items():
                        cols[k].append(v)
                    for n in hp_names:
                        cols["hp_" + n].append(float(cell[n]) if n in cell else None)
                write_part(root, task, cols, hp_names)
                tasks += 1
    meta["tasks"] = tasks
    write_meta(root, meta)
    return root
