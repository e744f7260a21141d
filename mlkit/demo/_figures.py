"""The report's figures: each drawing function returns a figure and its caption.

Every figure is drawn from mlkit's own models fitted on the demo's training split (see
``_report``); the classes keep one colour and marker each across the figures (``class_style``),
and :data:`_FIGURES` lists the figures in the order of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# figures with features on an axis draw at most this many (chosen as _shown_features says)
MAX_FEATURES = 30
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p")
_DPI = 110


# --- the classes' colours ---------------------------------------------------------------------


def class_style(data):
    """``(classes, {class: (colour, marker)})``: one colour and marker per class label, the
    same in every figure. The colours are ``plot_tree``'s filled-box colours, in the order of
    the sorted labels (a tree's ``classes_``)."""
    from ..tree._export import _palette

    classes = np.unique(np.concatenate([data.y_train, data.y_test]))
    colours = ["#" + "".join(f"{c:02x}" for c in rgb) for rgb in _palette(len(classes))]
    return classes, {c: (colours[k], _MARKERS[k % len(_MARKERS)])
                     for k, c in enumerate(classes)}


def _scatter_by_class(ax, Z, y, style, size=16):
    for label, (colour, marker) in style.items():
        rows = y == label
        if rows.any():
            ax.scatter(Z[rows, 0], Z[rows, 1], s=size, color=colour, marker=marker,
                       edgecolors="k", linewidths=0.3, label=str(label))


def _class_legend(fig, style, patches=False):
    """One legend for the whole figure, outside the axes, keyed by class label."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if patches:
        handles = [Patch(facecolor=c, edgecolor="k", label=str(k)) for k, (c, _) in
                   style.items()]
    else:
        handles = [Line2D([], [], ls="", marker=m, markersize=6, markerfacecolor=c,
                          markeredgecolor="k", markeredgewidth=0.3, label=str(k))
                   for k, (c, m) in style.items()]
    return fig.legend(handles=handles, title="class", loc="outside lower center",
                      ncols=min(len(handles), 8), fontsize=8, title_fontsize=9)


# --- helpers ----------------------------------------------------------------------------------


def _figure(figsize, **kwargs):
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, dpi=_DPI, layout="constrained", squeeze=False,
                        **kwargs)


def _suptitle(fig, text, fontsize=11):
    """The figure's title, wrapped to the figure's width (about 0.55 em a character)."""
    import textwrap

    width = int(fig.get_figwidth() * 72 / (0.55 * fontsize))
    return fig.suptitle(textwrap.fill(text, max(20, width)), fontsize=fontsize)


def _label(name, width=28):
    name = str(name)
    return name if len(name) <= width else name[: width - 1] + "\u2026"


def _shown_features(X):
    """Indices of the features a figure draws: all up to ``MAX_FEATURES``; beyond, that many
    at evenly spaced ranks of the raw standard deviation, smallest to largest (so the drawing
    spans the columns' scales), in column order. Returns (indices, caption sentence)."""
    d = X.shape[1]
    if d <= MAX_FEATURES:
        return np.arange(d), ""
    order = np.argsort(np.std(X, axis=0), kind="stable")
    picks = np.unique(np.round(np.linspace(0, d - 1, MAX_FEATURES)).astype(int))
    idx = np.sort(order[picks])
    return idx, (f" Of the {d} numeric features, {idx.size} are drawn: those at evenly spaced "
                 "ranks of their raw standard deviation, from the smallest to the largest "
                 "(the scales the columns span).")


def _first_two_components(data):
    """The training rows on their first two principal components and the shares of variance
    they explain (computed once per report)."""
    if getattr(data, "_pca2", None) is None:
        from ..decomposition import PCA

        pca = PCA(min(2, data.X_train.shape[1])).fit(data.X_train)
        data._pca2 = (_two_columns(pca.transform(data.X_train)),
                      np.asarray(pca.explained_variance_ratio_, dtype=float))
    return data._pca2


def _two_columns(Z):
    """A projection padded with a zero column when it has one dimension only."""
    Z = np.asarray(Z, dtype=float)
    return Z if Z.shape[1] >= 2 else np.column_stack([Z, np.zeros(Z.shape[0])])


def _pc_labels(ax, ratio, ylabel=True):
    ax.set_xlabel(f"first principal component ({ratio[0]:.0%} of variance)")
    if ylabel:
        ax.set_ylabel(f"second principal component ({ratio[1]:.0%})" if ratio.size > 1
                      else "(one numeric feature: no second component)")


# --- the figures ------------------------------------------------------------------------------


def _scalers(data, results):
    import textwrap

    from matplotlib.ticker import MaxNLocator

    scalers = [(r.case.name, r.ours) for r in results if r.case.raw and r.ours is not None]
    panels = [("raw data", data.raw_train)] + [
        (name, np.asarray(est.transform(data.raw_train))) for name, est in scalers]
    idx, picked = _shown_features(data.raw_train)
    names = [_label(data.feature_names[j]) for j in idx]
    fig, axes = _figure((1.6 + 2.4 * len(panels), 1.6 + 0.2 * idx.size), ncols=len(panels),
                        sharey=True)
    positions = np.arange(idx.size, 0, -1)  # the first feature on top
    for ax, (name, X) in zip(axes[0], panels, strict=True):
        ax.boxplot(X[:, idx], positions=positions, widths=0.6, **_horizontal(),
                   flierprops={"markersize": 2.5, "alpha": 0.5})
        ax.set_title(textwrap.fill(str(name), 26), fontsize=9)
        ax.set_xlabel("raw value (column's units)" if name == "raw data"
                      else "scaled value", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4))
        ax.xaxis.get_offset_text().set_fontsize(7)
        ax.grid(axis="x", alpha=0.3)
    axes[0, 0].set_yticks(positions, names, fontsize=7)
    axes[0, 0].set_ylabel("feature")
    _suptitle(fig, f"{data.name}: the training features before and after each scaler "
              "(box: quartiles; whiskers: 1.5 IQR; dots: beyond)", fontsize=10)
    caption = ("Box plots of each numeric feature of the training rows: as read (left), then "
               "as each scaler of the table transforms them (mlkit's scalers, fitted on the "
               "raw training rows). Each panel has its own horizontal scale; no classes are "
               "shown." + picked)
    return fig, caption


def _horizontal():
    import matplotlib

    major, minor = (int(p) for p in matplotlib.__version__.split(".")[:2])
    return {"orientation": "horizontal"} if (major, minor) >= (3, 10) else {"vert": False}


def _projections(data, results):
    from ..discriminant_analysis import LinearDiscriminantAnalysis

    classes, style = class_style(data)
    k = min(2, len(classes) - 1, data.X_train.shape[1])  # two classes: one discriminant
    lda = LinearDiscriminantAnalysis(n_components=k).fit(data.X_train, data.y_train)
    L = np.asarray(lda.transform(data.X_train), dtype=float)
    share = np.asarray(lda.explained_variance_ratio_, dtype=float)
    Z, ratio = _first_two_components(data)
    fig, axes = _figure((10.5, 4.4), ncols=2)
    a, b = axes[0]
    _scatter_by_class(a, Z, data.y_train, style)
    a.set_title("PCA (unsupervised)", fontsize=10)
    _pc_labels(a, ratio)
    if L.shape[1] >= 2:
        _scatter_by_class(b, L, data.y_train, style)
        b.set_xlabel(f"first linear discriminant ({share[0]:.0%} of between-class variance)")
        b.set_ylabel(f"second linear discriminant ({share[1]:.0%})")
        b.set_title("LDA (Fisher's discriminants)", fontsize=10)
        lda_words = "the training rows on the first two linear discriminants"
    else:
        bins = np.histogram_bin_edges(L[:, 0], bins=30)
        for label, (colour, _) in style.items():
            b.hist(L[data.y_train == label, 0], bins=bins, color=colour, alpha=0.6,
                   edgecolor="k", linewidth=0.3)
        why = "two classes have one" if len(classes) == 2 else "one numeric feature"
        b.set_xlabel(f"linear discriminant (the only one: {why})")
        b.set_ylabel("training rows per bin")
        b.set_title("LDA (Fisher's discriminant)", fontsize=10)
        lda_words = ("a histogram of the training rows along the single linear discriminant "
                     f"({why})")
    _class_legend(fig, style)
    _suptitle(fig, f"{data.name}: the standardized training rows projected to two dimensions",
              fontsize=11)
    caption = ("Left: the training rows on their first two principal components (of the "
               "standardized numeric features; the share of variance each explains in the "
               f"axis label). Right: {lda_words}, as fitted by mlkit's "
               "LinearDiscriminantAnalysis. Colours and markers are the classes.")
    return fig, caption


def _classifiers():
    """mlkit's classifiers for the decision regions, by display name."""
    from .. import tree
    from ..discriminant_analysis import LinearDiscriminantAnalysis
    from ..naive_bayes import GaussianNB
    from ..svm import SVC

    return [("LDA", LinearDiscriminantAnalysis), ("Gaussian NB", GaussianNB),
            ("SVC (rbf)", lambda: SVC(kernel="rbf")),
            ("CART (max_depth=4)",
             lambda: tree.DecisionTreeClassifier(max_depth=4, random_state=0)),
            ("C4.5", tree.C45Classifier)]


def _decision_regions(data, results):
    from matplotlib.colors import ListedColormap

    models = _classifiers()
    classes, style = class_style(data)
    codes = np.searchsorted(classes, data.y_train)
    Z, ratio = _first_two_components(data)
    lo, hi = Z.min(axis=0) - 0.5, Z.max(axis=0) + 0.5
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    cmap = ListedColormap([style[c][0] for c in classes])
    fig, axes = _figure((1.5 + 3.3 * len(models), 4.0), ncols=len(models), sharex=True,
                        sharey=True)
    for ax, (name, factory) in zip(axes[0], models, strict=True):
        model = factory().fit(Z, codes)
        regions = np.asarray(model.predict(grid)).reshape(g0.shape)
        ax.contourf(g0, g1, regions, levels=np.arange(len(classes) + 1) - 0.5, alpha=0.3,
                    cmap=cmap, vmin=-0.5, vmax=len(classes) - 0.5)
        _scatter_by_class(ax, Z, data.y_train, style, size=10)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("first principal component", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0, 0].set_ylabel("second principal component", fontsize=8)
    _class_legend(fig, style)
    _suptitle(fig, f"{data.name}: the class each classifier predicts over the plane of the "
              "first two principal components", fontsize=11)
    caption = ("Each panel: one of mlkit's classifiers fitted on the training rows' first two "
               f"principal components only ({ratio.sum():.0%} of the standardized features' "
               "variance), not the table's models on every feature. The shaded area is the "
               "class predicted at each point of the plane; the dots are the training rows, "
               "coloured by their class.")
    return fig, caption


def _gmm_ellipses(data, results):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Ellipse

    from ..mixture import GaussianMixture

    Z, _ = _first_two_components(data)
    classes, style = class_style(data)
    fig, axes = _figure((15.5, 4.2), ncols=4, sharex=True, sharey=True)
    for ax, kind in zip(axes[0], ("full", "tied", "diag", "spherical"), strict=True):
        gmm = GaussianMixture(len(classes), covariance_type=kind, random_state=0).fit(Z)
        _scatter_by_class(ax, Z, data.y_train, style, size=10)
        for mean, cov in zip(gmm.means_, _full_covariances(gmm), strict=True):
            vals, vecs = np.linalg.eigh(cov)
            angle = np.degrees(np.arctan2(vecs[1, 1], vecs[0, 1]))
            for k in (1, 2):
                ax.add_patch(Ellipse(mean, 2 * k * np.sqrt(vals[1]), 2 * k * np.sqrt(vals[0]),
                                     angle=angle, fill=False, lw=1.2, color="k",
                                     ls="-" if k == 1 else "--"))
            ax.plot(*mean, marker="+", color="k", markersize=10, mew=1.5)
        ax.set_title(f"covariance_type='{kind}'", fontsize=10)
        ax.set_xlabel("first principal component", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0, 0].set_ylabel("second principal component", fontsize=8)
    _class_legend(fig, style)
    fig.legend(handles=[Line2D([], [], color="k", marker="+", ls="", markersize=9,
                               label="component mean"),
                        Line2D([], [], color="k", lw=1.2, label="1 standard deviation"),
                        Line2D([], [], color="k", lw=1.2, ls="--",
                               label="2 standard deviations")],
               title="mixture", loc="outside right center", fontsize=8, title_fontsize=9)
    _suptitle(fig, f"{data.name}: Gaussian mixtures of {len(classes)} components (one per "
              "class) on the first two principal components", fontsize=11)
    caption = (f"mlkit's GaussianMixture with {len(classes)} components and each covariance "
               "type, fitted without the labels on the training rows' first two principal "
               "components (not the table's mixtures, which fit every standardized feature). "
               "The ellipses are each component's 1 and 2 standard-deviation contours; the "
               "dots are the training rows, coloured by their class (not by their cluster).")
    return fig, caption


def _full_covariances(gmm):
    k, d = gmm.means_.shape
    cov = np.asarray(gmm.covariances_)
    if gmm.covariance_type == "full":
        return cov
    if gmm.covariance_type == "tied":
        return np.repeat(cov[None], k, axis=0)
    if gmm.covariance_type == "diag":
        return np.stack([np.diag(c) for c in cov])
    return np.stack([np.eye(d) * c for c in cov])


# the table's rows drawn in the ROC figure (those present and fitted), by row name
ROC_ROWS = ("LDA (svd)", "LogisticRegression (lbfgs)", "SVC (rbf, smo)",
            "DecisionTreeClassifier (gini)")
# the metrics row whose AUC and interval the Gaussian NB curve repeats
ROC_TABLE_ROW = "roc_auc_ci"


def roc_curves(data, results):
    """The ROC figure's curves: ``[(label, row name, scores, auc, lo, hi)]`` for the last
    class against the rest on the test split, and that class. The first curve scores the
    probabilities of the table's ``roc_auc_ci`` row (so its AUC and interval are the row's);
    the others, the fitted models of the rows in ``ROC_ROWS``."""
    from ..metrics import roc_auc_ci

    classes = np.unique(np.concatenate([data.y_train, data.y_test]))
    positive = classes[-1]
    y = (data.y_test == positive).astype(int)
    curves = []
    rows = {r.case.name: r for r in results}
    metric = next((r for r in results if r.case.name.startswith(ROC_TABLE_ROW)
                   and hasattr(r.ours, "model_")), None)
    if metric is not None:
        proba = np.asarray(metric.ours.model_.predict_proba(data.X_test))
        curves.append(("Gaussian NB (table row roc_auc_ci)", metric.case.name, proba[:, -1]))
    for name in ROC_ROWS:
        r = rows.get(name)
        if r is None or r.ours is None:
            continue
        curves.append((name, name, _positive_score(r.ours, data.X_test, positive)))
    out = []
    for label, row, score in curves:
        auc, lo, hi = roc_auc_ci(y, score)
        out.append((label, row, score, float(auc), float(lo), float(hi)))
    return out, positive


def _positive_score(model, X, positive):
    """The model's score for ``positive``: its probability, else its decision function."""
    classes = list(np.asarray(model.classes_))
    k = classes.index(positive)
    if hasattr(model, "predict_proba"):
        return np.asarray(model.predict_proba(X), dtype=float)[:, k]
    dec = np.asarray(model.decision_function(X), dtype=float)
    return dec if dec.ndim == 1 else dec[:, k]


def _roc(data, results):
    from ..metrics import roc_curve

    curves, positive = roc_curves(data, results)
    if not curves:
        raise ValueError("no fitted classifier row to draw")
    n_pos = int(np.sum(data.y_test == positive))
    fig, axes = _figure((6.6, 6.4))
    ax = axes[0, 0]
    y = (data.y_test == positive).astype(int)
    styles = ["-", "--", "-.", ":", (0, (5, 1, 1, 1))]
    colours = ["#1b1b1b", "#555555", "#2f6f9f", "#8f3f2f", "#6f6f2f"]
    for k, (label, _, score, auc, lo, hi) in enumerate(curves):
        fpr, tpr, _ = roc_curve(y, score)
        ax.plot(fpr, tpr, ls=styles[k % len(styles)], color=colours[k % len(colours)],
                lw=1.6, label=f"{label}: AUC {auc:.3f} [{lo:.3f}, {hi:.3f}]")
    ax.plot([0, 1], [0, 1], ls=":", color="grey", lw=1, label="chance: AUC 0.5")
    ax.set_xlabel(f"false positive rate (share of the {len(y) - n_pos} other test rows)")
    ax.set_ylabel(f"true positive rate (share of the {n_pos} '{positive}' test rows)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_title(f"{data.name}: ROC of class '{positive}' against the rest, on the test split "
                 f"({len(y)} rows)\nscore: P('{positive}') (SVC: decision function); "
                 "AUC [95% DeLong interval]", fontsize=9)
    ax.legend(fontsize=7, loc="lower right", title="table row", title_fontsize=8)
    caption = (f"ROC curves of '{positive}' (the last class) against every other class, on "
               "the test rows, for some of the table's fitted models, each scored by its "
               f"probability of '{positive}' (the SVC by its decision function). The legend "
               "gives each curve's AUC and 95% DeLong interval (mlkit.metrics.roc_auc_ci). "
               "The first curve scores the same probabilities as the table's roc_auc_ci row "
               "(scikit-learn's GaussianNB, which that row scores with mlkit.metrics), so its "
               "AUC and interval are that row's"
               + ("; the roc_auc_score row is the one-vs-rest average over all classes, a "
                  "different number" if len(np.unique(data.y_train)) > 2 else "")
               + ". Line styles are models, not classes.")
    return fig, caption


def _c45_model(data):
    """C4.5 on every training column as given (cached per report)."""
    if getattr(data, "_c45", None) is None:
        from .. import tree

        data._c45 = tree.C45Classifier().fit(data.frame_train, data.y_train)
    return data._c45


def _c45_tree(data, results):
    model = _c45_model(data)
    leaves, depth = model.get_n_leaves(), model.get_depth()
    width = float(np.clip(3 + 1.05 * leaves, 8, 24))
    height = float(np.clip(2.5 + 1.25 * (depth + 1), 4, 15))
    fig, same_classes = _draw_tree(data, model, (width, height))
    # a tree as wide as the axes (long tests) leaves rows of blank space: draw it again on a
    # figure that much shorter (plot_tree chose its font by the width, which stays)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    spans = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts]
    used = (max(e.y1 for e in spans) - min(e.y0 for e in spans)) / fig.dpi
    spare = ax.get_window_extent(renderer).height / fig.dpi - used
    if spare > 1.0 and height - spare + 0.6 >= 4:
        import matplotlib.pyplot as plt

        plt.close(fig)
        fig, same_classes = _draw_tree(data, model, (width, height - spare + 0.6))
    caption = ("mlkit's C45Classifier fitted on every training column as read (numeric "
               "columns unstandardized, categorical ones split multiway). Each box is a node: "
               "its test, entropy, training rows, rows per class and majority class"
               + ("; its colour is the majority class's, paler the more mixed the node."
                  if same_classes else ".")
               + " Edges out of a binary test are True (left) / False (right); a multiway "
               "split labels each edge with its category.")
    return fig, caption


def _draw_tree(data, model, figsize):
    import matplotlib.pyplot as plt

    from .. import tree

    classes, style = class_style(data)
    same_classes = list(np.asarray(model.classes_)) == list(classes)
    leaves, depth = model.get_n_leaves(), model.get_depth()
    fig = plt.figure(figsize=figsize, dpi=_DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    _suptitle(fig, f"{data.name}: C4.5 tree of the training rows, every column unscaled "
              f"(pruned at confidence 0.25; {leaves} leaves, depth {depth})", fontsize=11)
    if same_classes:
        _class_legend(fig, style, patches=True)
    fig.canvas.draw()  # the layout, once: the tree is then drawn into the axes it left
    fig.set_layout_engine("none")
    names = getattr(model, "feature_names_in_", None)
    tree.plot_tree(model, ax=ax, feature_names=None if names is None else list(names),
                   class_names=[str(c) for c in model.classes_], filled=same_classes)
    return fig, same_classes


@dataclass(frozen=True)
class FigureSpec:
    title: str
    filename: str
    draw: Callable[[Any, Any], tuple[Any, Any]]  # (data, results) -> (figure, caption)
    numeric: bool  # needs numeric columns


_FIGURES = [
    FigureSpec("Normalization: the training features before and after each scaler",
               "normalization.png", _scalers, True),
    FigureSpec("PCA and LDA projections", "projections.png", _projections, True),
    FigureSpec("Decision regions on the first two principal components",
               "decision_regions.png", _decision_regions, True),
    FigureSpec("Gaussian mixtures on the first two principal components", "gmm.png",
               _gmm_ellipses, True),
    FigureSpec("ROC curves with DeLong confidence intervals", "roc.png", _roc, True),
    FigureSpec("The C4.5 tree", "c45_tree.png", _c45_tree, False),
]


def figures(data, results):
    """Each figure the report draws for ``data``: ``(spec, figure, caption)``, figures open
    (the caller closes them). For tests and notebooks."""
    for spec in _FIGURES:
        if spec.numeric and not data.has_numeric:
            continue
        fig, caption = spec.draw(data, results)
        yield spec, fig, caption
