"""The demo's report: a Markdown page with PNG figures (matplotlib, the `plot` extra)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_report(out: Path, data, results):
    """Write ``out/report.md`` and its figures; return the page's path."""
    import matplotlib

    matplotlib.use("Agg")
    out.mkdir(parents=True, exist_ok=True)
    lines = [f"# mlkit demo on {data.name}", "",
             "| model | agreement with scikit-learn |", "|---|---|"]
    for case, _, _, ok in results:
        lines.append(f"| {case.name} | {'yes' if ok else 'NO'} |")
    lines.append("")
    for title, filename in _figures(out, data, results):
        lines += [f"## {title}", "", f"![{title}]({filename})", ""]
    page = out / "report.md"
    page.write_text("\n".join(lines))
    return page


def _figures(out, data, results):
    yield "Normalization: the training features before and after each scaler", _scalers(
        out, data, results)


def _scalers(out, data, results):
    import matplotlib.pyplot as plt

    scalers = [(case.name, ours) for case, ours, _, _ in results if case.raw]
    fig, axes = plt.subplots(1, len(scalers) + 1, figsize=(3.2 * (len(scalers) + 1), 3.6),
                             sharey=False)
    panels = [("raw data", data.raw_train)] + [
        (name, np.asarray(est.transform(data.raw_train))) for name, est in scalers]
    for ax, (name, X) in zip(axes, panels, strict=True):
        ax.boxplot(X, tick_labels=[_short(f) for f in data.feature_names])
        ax.set_title(name, fontsize=9)
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    fig.tight_layout()
    filename = "normalization.png"
    fig.savefig(out / filename, dpi=110)
    plt.close(fig)
    return filename


def _short(name):
    return name.replace(" (cm)", "")[:14]
