"""Timing side by side: mlkit against scikit-learn (or a lower bound) in the same run.

Each benchmark script builds rows with ``time_it`` and writes its table into its own section
of ``benchmarks/RESULTS.md`` with ``write_section`` -- so one script can be rerun without
touching the others' numbers. Ratios, not seconds, are the result: both sides are timed on the
same data, in the same process, one after the other.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).with_name("RESULTS.md")


def time_it(fn, *, repeat=3, warmup=1):
    """Best wall-clock seconds of ``repeat`` calls of ``fn()`` after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def time_pair(fn_a, fn_b, *, rounds=5):
    """Best wall-clock seconds of ``fn_a()`` and of ``fn_b()``, run in turn for ``rounds``
    rounds after one warm-up each: neither always runs right after the other (a library's
    worker threads can still be spinning, and its memory being freed, when the next starts).
    """
    fn_a(), fn_b()
    best_a = best_b = np.inf
    for _ in range(rounds):
        for fn, which in ((fn_a, "a"), (fn_b, "b")):
            t0 = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - t0
            if which == "a":
                best_a = min(best_a, elapsed)
            else:
                best_b = min(best_b, elapsed)
    return best_a, best_b


def machine():
    """One line naming the machine the numbers were taken on."""
    import sklearn

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, NumPy "
        f"{np.__version__}, scikit-learn {sklearn.__version__}"
    )


def table(rows, columns):
    """A Markdown table of ``rows`` (dicts) in the order of ``columns``."""
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        out.append("| " + " | ".join(_fmt(row.get(c, "")) for c in columns) + " |")
    return "\n".join(out)


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def write_section(name, body):
    """Replace the section ``name`` of RESULTS.md (between its markers) with ``body``.

    A ``--quick`` run (small sizes, e.g. ``mlkit bench --quick``) only prints: its numbers are
    not the recorded results. Under ``mlkit bench`` the section's name is also appended to the
    file named by ``$MLKIT_BENCH_WRITTEN``, so that the command can mark it as this run's.
    """
    if "--quick" in sys.argv[1:]:
        print(body)
        return
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    stamp = time.strftime("%Y-%m-%d")
    block = f"{start}\n_Measured {stamp} on {machine()}._\n\n{body.strip()}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text,
                      flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)
    if os.environ.get("MLKIT_BENCH_WRITTEN"):
        with open(os.environ["MLKIT_BENCH_WRITTEN"], "a") as log:
            log.write(name + "\n")
    print(body)
