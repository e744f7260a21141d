"""The `mlkit` command: demo, info, capabilities, bench."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path


def _demo(args):
    from ._demo import DemoInputError, run

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

    import mlkit

    from ._discovery import capability_table

    print(f"mlkit {mlkit.__version__}; NumPy {np.__version__}, SciPy {scipy.__version__}, "
          f"scikit-learn {sklearn.__version__}")
    for name in ("array_api_strict", "dask", "torch", "cupy", "cvxpy", "matplotlib"):
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
        print(f"  {name}: {getattr(module, '__version__', '?')}{extra}")
    print()
    print(capability_table())
    return 0


def _capabilities(args):
    from ._discovery import capability_table, readme_with_table

    if args.update_readme:
        path = Path(args.readme)
        if not path.is_file():
            print(f"mlkit capabilities: error: no such file: {path}", file=sys.stderr)
            return 2
        path.write_text(readme_with_table(path.read_text()))
        print(f"updated the capability table in {path}")
    else:
        print(capability_table(), end="")
    return 0


def _bench(args):
    here = Path(__file__).resolve().parents[1] / "benchmarks"
    if not here.is_dir():
        print("mlkit bench: error: benchmarks/ is in the source checkout only", file=sys.stderr)
        return 2
    scripts = sorted(here.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if args.only in s.stem]
    from rich.progress import track

    status = 0
    for script in track(scripts, description="benchmarks"):
        cmd = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
        status |= subprocess.call(cmd)
    print((here / "RESULTS.md").read_text())
    return status


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mlkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="every model on Iris (or another data set) vs scikit-learn")
    p.add_argument("--dataset", default="iris",
                   help="iris, wine, breast_cancer, play_tennis, or the path of a CSV file")
    p.add_argument("--target", default=None, help="the class column (default: the last)")
    p.add_argument("--out", default=None, help="write a report (Markdown + PNG) to this folder")
    p.set_defaults(func=_demo)
    p = sub.add_parser("info", help="versions, backends and the capability table")
    p.set_defaults(func=_info)
    p = sub.add_parser("capabilities", help="print the capability table")
    p.add_argument("--update-readme", action="store_true", help="rewrite README.md's copy")
    p.add_argument("--readme", default="README.md")
    p.set_defaults(func=_capabilities)
    p = sub.add_parser("bench", help="run benchmarks/ and print the ratio table")
    p.add_argument("--quick", action="store_true", help="small sizes, seconds")
    p.add_argument("--only", default=None, help="only the scripts whose name contains this")
    p.set_defaults(func=_bench)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
