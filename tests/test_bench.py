"""The benchmark's output: structure, ratios, success rates, equal work, JSON, command line.

Timings are never asserted here (they depend on the machine and its load); the benchmark's
own table says whether each target was met.  The whole benchmark runs once per module on the
smallest sizes (:data:`analysis.bench.TINY`); ``LANDSCAPE_BENCH_QUICK=1`` also runs the
``--quick`` sizes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from dataclasses import fields

import pytest

from analysis import bench
from landscape.errors import InputError
from landscape.jsonutil import dumps, jsonable

ROW_KEYS = {"group", "workload", "peer", "unit", "ours_s", "peer_s", "ratio", "ours_success",
            "peer_success", "target", "met", "note", "detail"}


@pytest.fixture(scope="module")
def record() -> dict:
    return bench.run_bench(sizes=bench.TINY)


def _rows(record: dict, group: str) -> list[dict]:
    rows = [r for r in record["rows"] if r["group"] == group]
    assert rows, f"no rows in group {group}"
    return rows


def check_record(record: dict) -> None:
    """Invariants every benchmark record satisfies, whatever its sizes."""
    assert record["version"] == bench.RECORD_VERSION
    assert set(record) >= {"mode", "machine", "settings", "rows", "notes", "seconds"}
    assert record["machine"]["threads"] >= 1
    assert {r["group"] for r in record["rows"]} == set(bench.GROUPS)
    for r in record["rows"]:
        assert set(r) == ROW_KEYS, r["workload"]
        for key in ("ours_s", "peer_s"):
            assert r[key] is None or (math.isfinite(r[key]) and r[key] > 0), r
        if r["ours_s"] is not None and r["peer_s"] is not None:
            assert r["ratio"] == pytest.approx(r["peer_s"] / r["ours_s"], rel=1e-12)
        else:
            assert r["ratio"] is None
        for key in ("ours_success", "peer_success"):
            assert r[key] is None or 0.0 <= r[key] <= 1.0, r
        assert r["met"] in (True, False, None)
        if r["met"] is not None:
            assert r["target"], r["workload"]


def test_record_structure_ratios_and_rates(record):
    check_record(record)
    assert record["mode"] == "tiny"
    for group in ("multistart", "first_order", "scaling", "overhead"):
        for r in _rows(record, group):
            assert r["peer"] and r["ratio"] is not None, r["workload"]


def test_multistart_rows_match_scipy_success(record):
    rows = _rows(record, "multistart")
    methods = {(r["workload"].split(",")[0], r["detail"]["n"]) for r in rows}
    n_chained = bench.TINY.n_chained
    assert methods == {(m, n) for m in bench.TINY.multistart_methods for n in (2, n_chained)}
    for r in rows:
        assert r["unit"] == "s/start"
        assert r["detail"]["starts"] == (bench.TINY.starts_2d if r["detail"]["n"] == 2
                                         else bench.TINY.starts_nd)
        assert 0.0 <= r["detail"]["ours_success_same_starts"] <= 1.0
    bfgs_2d = next(r for r in rows if r["workload"].startswith("bfgs") and r["detail"]["n"] == 2)
    assert bfgs_2d["detail"]["ours_success_same_starts"] >= bfgs_2d["peer_success"]
    assert bfgs_2d["ours_success"] >= 0.99  # every start of 2-D Rosenbrock reaches (1, 1)
    assert bfgs_2d["target"].startswith("≥ 500×")
    assert isinstance(bfgs_2d["met"], bool)


def test_first_order_rows_do_the_same_work_as_numpy(record):
    rows = _rows(record, "first_order")
    numpy_rows = [r for r in rows if r["peer"].startswith("NumPy")]
    assert len(numpy_rows) == 2 * len(bench.TINY.fo_methods)
    for r in numpy_rows:
        assert r["ours_success"] == r["peer_success"] == 1.0
        # same rule, same starts, same steps: the final iterates agree to rounding
        assert r["detail"]["max_abs_diff_final_x"] < 1e-9, r["workload"]
    if record["machine"]["jax"] is None:
        assert any("JAX" in note for note in record["notes"])


def test_scaling_and_overhead_rows(record):
    for r in _rows(record, "scaling"):
        assert r["detail"]["identical_results"]  # results do not depend on the thread count
        assert r["ours_success"] == r["peer_success"]
    for r in _rows(record, "overhead"):
        assert r["detail"]["max_abs_diff_final_x"] < 1e-9
        assert r["ours_success"] == r["peer_success"] == 1.0


def test_latency_rows_report_a_cache_hit_without_sympy(record):
    rows = _rows(record, "latency")
    new = next(r for r in rows if r["workload"].startswith("new formula"))
    hit = next(r for r in rows if r["workload"].startswith("same formula"))
    assert new["ours_success"] == 1.0 and hit["ours_success"] == 1.0
    assert new["ours_s"] > 0 and hit["ours_s"] > 0
    assert hit["detail"]["sympy_imported_cli"] is False
    assert hit["detail"]["sympy_imported_api"] is False
    build = next(r for r in rows if "one-off build" in r["workload"])
    assert build["ours_s"] is None and "not measured" in build["note"]


def test_symbolic_rows_compile_correct_kernels(record):
    rows = _rows(record, "symbolic")
    assert len(rows) == len(bench.TINY.symbolic_dims)
    for r in rows:
        d = r["detail"]
        assert r["ours_success"] == 1.0
        stages = d["gradient"] + d["hessian"] + d["codegen"] + d["compile"]
        assert r["ours_s"] == pytest.approx(stages)
        assert d["hessian_nonzeros_upper"] == 2 * bench.TINY.symbolic_dims[0] - 1


def test_json_round_trip_and_text(record):
    text = dumps(record)
    back = json.loads(text)
    assert back == jsonable(record)
    table = bench.bench_text(back)
    for group in bench.GROUPS:
        assert f"[{group}]" in table
    assert "targets met:" in table
    assert "ratio = peer time / our time" in table


def test_sizes_quick_is_smaller_than_full():
    for f in fields(bench.Sizes):
        full, quick = getattr(bench.FULL, f.name), getattr(bench.QUICK, f.name)
        if isinstance(full, int) and not isinstance(full, bool) and f.name != "repeat":
            assert quick <= full, f.name
    assert not bench.QUICK.cold_build and bench.FULL.cold_build
    assert 100 in bench.FULL.symbolic_dims


def test_run_bench_rejects_unknown_groups():
    with pytest.raises(ValueError, match="unknown benchmark groups"):
        bench.run_bench(groups=["nope"])


def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    bench.add_arguments(p)
    return p.parse_args(list(argv))


def test_cli_prints_json_or_text(record, monkeypatch, capsys):
    seen = {}

    def fake_run_bench(**kw):
        seen.update(kw)
        return record

    monkeypatch.setattr(bench, "run_bench", fake_run_bench)
    assert bench.run_cli(_args("--quick", "--json", "--threads", "1", "--repeat", "2")) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == jsonable(record["rows"])
    assert seen["quick"] is True and seen["threads"] == 1 and seen["repeat"] == 2
    assert bench.run_cli(_args("--only", "latency,first-order")) == 0
    assert "[multistart]" in capsys.readouterr().out
    assert seen["groups"] == ["latency", "first_order"] and seen["quick"] is False
    with pytest.raises(InputError, match="unknown section"):
        bench.run_cli(_args("--only", "speed"))
    with pytest.raises(InputError, match="--threads"):
        bench.run_cli(_args("--threads", "0"))


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("LANDSCAPE_BENCH_QUICK"),
                    reason="set LANDSCAPE_BENCH_QUICK=1 to run the --quick benchmark")
def test_quick_benchmark():
    rec = bench.run_bench(quick=True)
    check_record(rec)
    assert rec["mode"] == "quick"


#: /proc/cpuinfo's names of the LLVM features in :data:`bench.VECTOR_EXTENSIONS`
_CPUINFO_NAMES = {"sse4.2": "sse4_2", "avx512vnni": "avx512_vnni", "avx512bf16": "avx512_bf16"}


def test_cpu_model_is_read_from_cpuinfo_text():
    text = ("processor\t: 0\nvendor_id\t: X\nmodel name\t: Example CPU 9000 @ 3.0GHz\n"
            "flags\t\t: fpu\n")
    assert bench._cpu_model(text) == "Example CPU 9000 @ 3.0GHz"
    assert bench._cpu_model("processor\t: 0\n") not in ("", None)


@pytest.mark.skipif(not os.path.exists("/proc/cpuinfo"), reason="needs Linux /proc/cpuinfo")
def test_cpu_description_agrees_with_proc_cpuinfo(record):
    """The vector extensions LLVM detects are the ones the kernel lists in /proc/cpuinfo."""
    with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    flags = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            flags = set(value.split())
            break
    cpu = record["machine"]["cpu"]
    expected = [f for f in bench.VECTOR_EXTENSIONS if _CPUINFO_NAMES.get(f, f) in flags]
    assert cpu["host_features"] == expected
    model = [ln.partition(":")[2].strip() for ln in text.splitlines()
             if ln.partition(":")[0].strip() == "model name"]
    if model:
        assert cpu["model"] == model[0]
    assert cpu["host_cpu"] and cpu["numba_target"]
    line = bench.bench_text(record).splitlines()[1]
    assert line.startswith(f"CPU {cpu['model']} ") and cpu["numba_target"] in line
    for f in expected:
        assert f in line


def test_cpu_description_names_an_overridden_numba_target(monkeypatch):
    import numba

    monkeypatch.setattr(numba.config, "CPU_NAME", "generic")
    monkeypatch.setattr(numba.config, "CPU_FEATURES", "")
    cpu = bench.cpu_description()
    assert (cpu["numba_target"], cpu["numba_target_source"], cpu["numba_features"]) == (
        "generic", "NUMBA_CPU_NAME", "")
    assert "compiles for generic (NUMBA_CPU_NAME), features: the target's baseline" in (
        bench._cpu_line(cpu))
    monkeypatch.setattr(numba.config, "CPU_NAME", None)
    monkeypatch.setattr(numba.config, "CPU_FEATURES", None)
    assert bench.cpu_description()["numba_target_source"] == "host"


def test_build_row_note_says_how_the_library_was_built():
    parallel = {"seconds": 31.0, "cpu_seconds": 58.4,
                "build": {"processes": 2, "pieces": 22, "compiled": 19, "in_workers": 19}}
    note = bench._build_note(parallel)
    assert "built in 2 build processes (19 of 19 pieces compiled there)" in note
    assert note.endswith("; 58 s CPU")
    alone = {"seconds": 55.0, "cpu_seconds": 55.2,
             "build": {"processes": 1, "pieces": 22, "compiled": 19, "in_workers": 0}}
    assert "built in this process alone; 55 s CPU" in bench._build_note(alone)
    assert bench._build_note({}) == "once per installation (or source change)"
