"""The bench's page part says where the time of a missed recompute or navigation target goes
(scripts/bench.py): the parts come from the samples as measured, a trace's nested events are
counted once, and nothing is printed for a target that is met."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import bench

MAIN, OTHER = (1, 10), (1, 20)


def span(name: str, ts: int, dur: int, tdur: int, where: tuple[int, int] = MAIN, **args: object) -> dict:
    return {"ph": "X", "name": name, "ts": ts, "dur": dur, "tdur": tdur, "pid": where[0], "tid": where[1],
            "args": args}


def trace() -> list[dict]:
    """Two main-thread tasks (a swap with a forced style and layout inside a script call, then a
    frame) and a worker's task that must not count."""
    return [
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 10, "args": {"name": "CrRendererMain"}},
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 20, "args": {"name": "DedicatedWorker thread"}},
        span("RunTask", 0, 90_000, 80_000),
        span("ParseHTML", 1_000, 10_000, 9_000),
        span("FunctionCall", 12_000, 70_000, 65_000),
        span("UpdateLayoutTree", 13_000, 20_000, 18_000, elementCount=3000, beginData={"stackTrace": [{}]}),
        span("Layout", 34_000, 30_000, 28_000, beginData={"dirtyObjects": 4200, "stackTrace": [{}]}),
        # nested in the one above: counted once
        span("Layout", 35_000, 5_000, 5_000, beginData={"stackTrace": [{}]}),
        span("RunTask", 100_000, 20_000, 12_000),
        span("Paint", 101_000, 8_000, 7_000),
        span("RunTask", 0, 500_000, 400_000, OTHER),
        span("Layout", 0, 100_000, 100_000, OTHER),
    ]


def test_main_thread_breakdown_counts_the_main_thread_once_per_event() -> None:
    out = bench.main_thread_breakdown(trace())
    assert out["tasks_cpu_ms"] == 92.0
    kinds = ("parse", "style", "layout", "paint")
    assert [out[f"{kind}_cpu_ms"] for kind in kinds] == [9.0, 18.0, 28.0, 7.0]
    assert out["script_and_other_cpu_ms"] == 92.0 - 9 - 18 - 28 - 7
    assert (out["longest_task_cpu_ms"], out["longest_task_wall_ms"]) == (80.0, 90.0)
    assert out["layouts"] == 2
    assert (out["elements_styled"], out["objects_laid_out"]) == (3000, 4200)
    assert out["forced_style_layout_cpu_ms"] == 18.0 + 28.0  # the script's reads; the frame's paint is not


def test_recompute_parts_are_the_samples_own() -> None:
    samples = [{"total": 16.0 + i, "post": 0.5, "result": 5.0 + i, "frame": 10.5} for i in range(20)]
    out = bench.recompute_figures(samples)
    assert out["recompute_median_ms"] == pytest.approx(25.5)
    assert out["recompute_p95_ms"] == 34.0  # the 19th of 20, as the bench has always taken it
    assert out["recompute_result_p95_ms"] == 23.0
    assert out["recompute_post_median_ms"] == 0.5
    # past 1.2 frames (20 ms): the samples of 21 to 35 ms
    assert out["recompute_over_one_frame_share"] == pytest.approx(15 / 20)


def test_a_missed_target_is_explained_and_a_met_one_is_not() -> None:
    navs = [{"total": t, "fetch": 20.0, "swap": t - 25, "seen": 5.0, "bytes": 250_000, "elements": 3000, "titles": 20}
            for t in (150.0, 160.0, 170.0)]
    figures = {**bench.nav_figures(navs), **bench.recompute_figures([{"total": 16.0, "post": 0.4, "result": 6.0,
                                                                      "frame": 9.6}] * 20)}
    figures.update({f"instant_nav_traced_{k}": v for k, v in
                    {"total_ms": 160.0, **bench.main_thread_breakdown(trace())}.items()})
    text = "\n".join(bench.page_breakdown(figures))
    assert "instant navigation: 160 ms to ready, target 100 ms (missed by 60 ms)" in text
    assert "page fetched" in text and "135.0 ms" in text
    assert "layout 28 (2 layouts: 3000 elements styled, 4200 objects laid out; 46 ms of them forced" in text
    assert "recompute" not in text  # 16.0 ms and 16.0 ms meet 16.7 and 25
    figures["instant_nav_ready_ms"] = 90.0
    assert bench.page_breakdown(figures) == []


def test_the_bench_docstring_examples_run() -> None:
    """scripts/bench.py's docstring examples (the distinct rows' scaling) are doctests."""
    import doctest

    result = doctest.testmod(bench, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
