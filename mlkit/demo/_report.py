"""The demo's report: a Markdown page with PNG figures (matplotlib, the `plot` extra).

Every figure is drawn from mlkit's own models, fitted on the demo's training split (but for
the ROC figure's first curve, which scores the probabilities of the table's ``roc_auc_ci``
row, scikit-learn's Gaussian NB, as that row does), and says what it shows: a title, labelled
axes, and a caption in the page. The classes have one colour (and marker) each, the same in
every figure of a report: the colours of ``plot_tree``'s filled boxes, so the tree's boxes
read with the same legend. Each drawing function returns the figure and its caption;
:func:`write_report` saves them and writes the page.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from ._figures import _FIGURES, _c45_model


def write_report(out: Path, data, results):
    """Write ``out/report.md``, its figures and the C4.5 rules; return the page's path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    lines = [f"# mlkit demo on {data.name}", "",
             f"{len(data.y_train)} training rows, {len(data.y_test)} test rows "
             "(stratified split, seed 0), "
             + ("numeric features standardized." if data.has_numeric
                else "categorical features."), "",
             *table_lines(results), ""]
    skipped = [s.title for s in _FIGURES if s.numeric and not data.has_numeric]
    if skipped:
        lines += [f"Not drawn, for want of numeric columns: {'; '.join(skipped)}.", ""]
    number = 0
    for spec in _FIGURES:
        if spec.numeric and not data.has_numeric:
            continue
        lines += [f"## {spec.title}", ""]
        try:
            fig, caption = spec.draw(data, results)
        except Exception as exc:  # a figure these data cannot give: say so, go on
            plt.close("all")
            lines += [f"(not drawn: {_reason(exc)})", ""]
        else:
            fig.savefig(out / spec.filename, dpi="figure")  # the dpi the layout was measured at
            plt.close(fig)
            number += 1
            lines += [f"![{spec.title}]({spec.filename})", "",
                      f"**Figure {number}** ([{spec.filename}]({spec.filename})). {caption}",
                      ""]
        if spec.filename == "c45_tree.png":
            try:
                lines += _write_rules(out, data)
            except Exception as exc:
                lines += [f"(rules not written: {_reason(exc)})", ""]
    page = out / "report.md"
    page.write_text("\n".join(lines))
    return page


def table_lines(results):
    """The page's table of the rows, and the line under it that reads its last column."""
    lines = ["| model | score | agreement with scikit-learn | within tolerance |",
             "|---|---|---|---|"]
    for r in results:
        lines.append(f"| {_cell(r.case.name)} | {_cell(r.score)} | {_cell(r.agreement)} | "
                     f"{tolerance_cell(r)} |")
    return lines + ["", "*within tolerance*: whether the agreement meets the row's tolerance. "
                    "A row whose scikit-learn model is a different algorithm (a *nearest "
                    "twin*) or that has no scikit-learn counterpart is not held to one; its "
                    "cell says which."]


def _write_rules(out, data):
    """Write ``c45_rules.txt`` (the tree of the C4.5 figure as rules); the page's lines."""
    from .. import tree

    model = _c45_model(data)
    (out / "c45_rules.txt").write_text(tree.export_rules(model) + "\n")
    return [f"The same tree as rules, one per leaf ({model.get_n_leaves()} rules: IF tests "
            "THEN class, with the leaf's support among the training rows and the share of "
            "them of the predicted class): [c45_rules.txt](c45_rules.txt).", ""]


def _reason(exc):
    return str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)


def _cell(text):
    return str(text).replace("|", "\\|")


# --- how a row relates to scikit-learn --------------------------------------------------------


def kinship(result):
    """How the row's model relates to scikit-learn's: 'same' (the same algorithm, held to a
    tolerance), 'nearest' (a different algorithm compared for information:
    ``compare_classifier(None)``), 'none' (no scikit-learn model: ``compare_alone``)."""
    compare = result.case.compare
    qualname = getattr(compare, "__qualname__", "")
    agreement = str(result.agreement)
    if qualname.startswith("compare_alone.") or agreement.startswith("no scikit-learn twin"):
        return "none"
    nearest = False
    if qualname.startswith("compare_classifier."):
        try:
            nearest = inspect.getclosurevars(compare).nonlocals.get("tol", 0) is None
        except TypeError:  # not a plain function
            nearest = False
    if nearest or "(nearest twin)" in agreement:
        return "nearest"
    return "same"


def tolerance_cell(result):
    """The table's last cell: yes / NO against the tolerance, or why there is none."""
    if not result.ok:  # e.g. mlkit raises where scikit-learn fits, whatever the kinship
        return "NO"
    kind = kinship(result)
    if kind == "none":
        return "n/a: no scikit-learn twin"
    if kind == "nearest":
        return "n/a: nearest twin (a different algorithm), no tolerance"
    if result.case.theirs is not None and result.ours is not None and result.theirs is None:
        return "n/a: scikit-learn raises"
    if str(result.agreement).startswith("not compared"):
        return "n/a: not compared"
    return "yes" if result.ok else "NO"
