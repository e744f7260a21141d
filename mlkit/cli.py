"""The `mlkit` command: demo, info, capabilities, bench."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from . import _DISTRIBUTION, __version__


def _demo(args):
    from .demo import DemoInputError, run

    try:
        return run(args.dataset, args.target, args.out)
    except DemoInputError as exc:
        print(f"mlkit demo: error: {exc}", file=sys.stderr)
        return 2


def _info(args):
    import importlib

    import numpy as np
    import scipy
    import sklearn

    print(f"{_DISTRIBUTION} {__version__} (import mlkit); NumPy {np.__version__}, "
          f"SciPy {scipy.__version__}, scikit-learn {sklearn.__version__}")
    for name in ("array_api_strict", "dask", "torch", "cupy", "cvxpy", "matplotlib",
                 "rich"):
        try:
            module = importlib.import_module(name)
        except Exception:
            print(f"  {name}: not installed")
            continue
        extra = ""
        if name == "cupy":
            try:
                props = module.cuda.runtime.getDeviceProperties(0)
                extra = f" on {props['name'].decode()}"
            except Exception:
                extra = " (no GPU)"
        if name == "torch":
            extra = (f" (CUDA: {module.cuda.get_device_name(0)})" if module.cuda.is_available()
                     else " (CPU)")
        print(f"  {name}: {_version(module)}{extra}")
    print()
    print(_tables(), end="")
    return 0


def _version(module):
    """The module's ``__version__``, else its distribution's (rich has no ``__version__``)."""
    from importlib import metadata

    version = getattr(module, "__version__", None)
    if version is None:
        try:
            version = metadata.version(module.__name__)
        except metadata.PackageNotFoundError:
            version = "?"
    return version


def _tables():
    """Both capability tables, the estimators' and the functions', as the README's section."""
    from ._discovery import capability_table, function_table

    functions = function_table()
    return capability_table() + ("\n" + functions if functions else "")


def _capabilities(args):
    from ._discovery import readme_with_table

    if args.update_readme:
        path = Path(args.readme)
        if not path.is_file():
            print(f"mlkit capabilities: error: no such file: {path}", file=sys.stderr)
            return 2
        path.write_text(readme_with_table(path.read_text()))
        print(f"updated the capability table in {path}")
    else:
        print(_tables(), end="")
    return 0


def _benchmarks_folder():
    """``benchmarks/`` of the source checkout this mlkit was imported from, or None (an
    installed wheel has no benchmarks)."""
    here = Path(__file__).resolve().parents[1] / "benchmarks"
    return here if (here / "_harness.py").is_file() else None


_SECTION = re.compile(r"<!-- bench:(\w+):start -->.*?<!-- bench:\1:end -->", re.S)


def _marked_results(text, fresh):
    """RESULTS.md (``text``) with a line over each section saying whether this run wrote it
    (its name is in ``fresh``) or an earlier run did."""

    def mark(m):
        note = ("**[this run]** measured now" if m.group(1) in fresh
                else "**[earlier run]** not rerun now: recorded before")
        return f"{note}\n{m.group(0)}"

    return _SECTION.sub(mark, text)


def _bench(args):
    here = _benchmarks_folder()
    if here is None:
        print("mlkit bench: error: the benchmarks are not installed with the package; run them "
              "from a source checkout: `python -m mlkit bench [--quick]` in its root",
              file=sys.stderr)
        return 2
    scripts = sorted(here.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if args.only in s.stem]
    if not scripts:
        print(f"mlkit bench: error: no benchmark script matches --only {args.only!r}",
              file=sys.stderr)
        return 2
    results = here / "RESULTS.md"
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        # each script's write_section appends its section's name here (benchmarks/_harness.py)
        written = Path(tmp) / "written"
        written.touch()
        env = {**os.environ, "MLKIT_BENCH_WRITTEN": str(written)}
        for script in scripts:
            print(f"\n=== {script.name}: this run ===", flush=True)
            cmd = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
            code = subprocess.call(cmd, env=env)
            if code:
                print(f"=== {script.name} failed (exit code {code}) ===", flush=True)
            status |= code
        fresh = list(dict.fromkeys(written.read_text().split()))
    if args.quick:
        print("\nThe tables above are this run's, at --quick sizes; benchmarks/RESULTS.md (the "
              "recorded full-size results) is left as it was.")
        return status
    print(f"\n{results}, each section marked [this run] or [earlier run] "
          f"(this run wrote: {', '.join(fresh) or 'none'}):\n")
    print(_marked_results(results.read_text() if results.is_file() else "", set(fresh)))
    return status


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mlkit", description=__doc__)
    parser.add_argument("--version", action="version", version=f"{_DISTRIBUTION} {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="every model on Iris (or another data set) vs scikit-learn")
    p.add_argument("--dataset", default="iris",
                   help="iris, wine, breast_cancer, play_tennis, or the path of a CSV file")
    p.add_argument("--target", default=None, help="the class column (default: the last)")
    p.add_argument("--out", default=None, help="write a report (Markdown + PNG) to this folder")
    p.set_defaults(func=_demo)
    p = sub.add_parser("info", help="versions, backends and the capability table")
    p.set_defaults(func=_info)
    p = sub.add_parser("capabilities", help="print the capability tables (estimators, functions)")
    p.add_argument("--update-readme", action="store_true", help="rewrite README.md's copy")
    p.add_argument("--readme", default="README.md")
    p.set_defaults(func=_capabilities)
    p = sub.add_parser("bench", help="run benchmarks/ (in a source checkout) and print the "
                                     "ratio tables")
    p.add_argument("--quick", action="store_true", help="small sizes, seconds")
    p.add_argument("--only", default=None, help="only the scripts whose name contains this")
    p.set_defaults(func=_bench)
    args = parser.parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`mlkit info | head`): stop quietly, as `yes | head` does
        _silence_stdout()
        return 141  # 128 + SIGPIPE, a shell's code for a writer whose reader closed
    return status


def _silence_stdout():
    """Point stdout at devnull, so that Python's flush at exit does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (captured output)
        pass


if __name__ == "__main__":
    sys.exit(main())
