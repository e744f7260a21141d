"""The demo's report: a Markdown page with PNG figures (matplotlib, the `plot` extra).

Every figure is drawn from mlkit's own models, fitted on the demo's training split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_report(out: Path, data, results):
    """Write ``out/report.md`` and its figures; return the page's path."""
    import matplotlib

    matplotlib.use("Agg")
    out.mkdir(parents=True, exist_ok=True)
    lines = [f"# mlkit demo on {data.name}", "",
             f"{len(data.y_train)} training rows, {len(data.y_test)} test rows "
             "(stratified split, seed 0), "
             + ("numeric features standardized." if data.has_numeric
                else "categorical features."), "",
             "| model | score | agreement with scikit-learn | within tolerance |",
             "|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.case.name} | {r.score} | {r.agreement} | {'yes' if r.ok else 'NO'} |")
    lines.append("")
    for title, draw, numeric in _FIGURES:
        if numeric and not data.has_numeric:
            continue
        try:
            filename = draw(out, data, results)
        except Exception as exc:  # a figure these data cannot give: say so, go on
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            lines += [f"## {title}", "", f"(not drawn: {reason})", ""]
            continue
        lines += [f"## {title}", "", f"![{title}]({filename})", ""]
    page = out / "report.md"
    page.write_text("\n".join(lines))
    return page


def _save(fig, out, filename):
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(out / filename, dpi=110)
    plt.close(fig)
    return filename


def _codes(data):
    classes, codes = np.unique(np.concatenate([data.y_train, data.y_test]),
                               return_inverse=True)
    n = data.y_train.shape[0]
    return classes, codes[:n], codes[n:]


def _scalers(out, data, results):
    import matplotlib.pyplot as plt

    scalers = [(r.case.name, r.ours) for r in results if r.case.raw and r.ours is not None]
    fig, axes = plt.subplots(1, len(scalers) + 1, figsize=(3.2 * (len(scalers) + 1), 3.6))
    panels = [("raw data", data.raw_train)] + [
        (name, np.asarray(est.transform(data.raw_train))) for name, est in scalers]
    for ax, (name, X) in zip(axes, panels, strict=True):
        ax.boxplot(X, tick_labels=[_short(f) for f in data.feature_names])
        ax.set_title(name, fontsize=9)
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    return _save(fig, out, "normalization.png")


def _short(name):
    return str(name).replace(" (cm)", "")[:14]


def _first_two_components(data):
    """The training rows on their first two principal components (computed once per report)."""
    if getattr(data, "_pca2", None) is None:
        from .decomposition import PCA

        Z = PCA(min(2, data.X_train.shape[1])).fit(data.X_train).transform(data.X_train)
        data._pca2 = _two_columns(Z)
    return data._pca2


def _two_columns(Z):
    """A projection padded with a zero column when it has one dimension only."""
    return Z if Z.shape[1] >= 2 else np.column_stack([Z, np.zeros(Z.shape[0])])


def _projections(out, data, results):
    import matplotlib.pyplot as plt

    from .discriminant_analysis import LinearDiscriminantAnalysis

    classes, codes, _ = _codes(data)
    k = min(2, len(classes) - 1, data.X_train.shape[1])  # two classes: one discriminant
    lda = LinearDiscriminantAnalysis(n_components=k).fit(data.X_train, data.y_train)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax, (title, Z) in zip(axes, [("PCA (unsupervised)", _first_two_components(data)),
                                     ("LDA (Fisher's discriminants)",
                                      _two_columns(lda.transform(data.X_train)))],
                               strict=True):
        for k, name in enumerate(classes):
            ax.scatter(Z[codes == k, 0], Z[codes == k, 1], s=14, label=name)
        ax.set_title(title)
        ax.set_xlabel("component 1")
        ax.set_ylabel("component 2")
    axes[0].legend(fontsize=8)
    return _save(fig, out, "projections.png")


def _classifiers():
    """mlkit's classifiers, by display name."""
    from . import tree
    from .discriminant_analysis import LinearDiscriminantAnalysis
    from .naive_bayes import GaussianNB
    from .svm import SVC

    return [("LDA", LinearDiscriminantAnalysis), ("Gaussian NB", GaussianNB),
            ("SVC (rbf)", lambda: SVC(kernel="rbf")),
            ("CART", lambda: tree.DecisionTreeClassifier(max_depth=4, random_state=0)),
            ("C4.5", tree.C45Classifier)]


def _decision_regions(out, data, results):
    import matplotlib.pyplot as plt


    models = _classifiers()
    classes, codes, _ = _codes(data)
    Z = _first_two_components(data)
    lo, hi = Z.min(axis=0) - 0.5, Z.max(axis=0) + 0.5
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    fig, axes = plt.subplots(1, len(models), figsize=(3.6 * len(models), 3.6), squeeze=False)
    for ax, (name, factory) in zip(axes[0], models, strict=True):
        model = factory().fit(Z, codes)
        regions = np.asarray(model.predict(grid)).reshape(g0.shape)
        ax.contourf(g0, g1, regions, levels=np.arange(len(classes) + 1) - 0.5, alpha=0.3,
                    cmap="viridis")
        ax.scatter(Z[:, 0], Z[:, 1], c=codes, s=10, cmap="viridis", edgecolors="k",
                   linewidths=0.3)
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    return _save(fig, out, "decision_regions.png")


def _gmm_ellipses(out, data, results):
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse

    from .mixture import GaussianMixture

    Z = _first_two_components(data)
    classes, codes, _ = _codes(data)
    fig, axes = plt.subplots(1, 4, figsize=(15, 3.8))
    for ax, kind in zip(axes, ("full", "tied", "diag", "spherical"), strict=True):
        gmm = GaussianMixture(len(classes), covariance_type=kind, random_state=0).fit(Z)
        ax.scatter(Z[:, 0], Z[:, 1], c=np.asarray(gmm.predict(Z)), s=10, cmap="viridis")
        for mean, cov in zip(gmm.means_, _full_covariances(gmm), strict=True):
            vals, vecs = np.linalg.eigh(cov)
            angle = np.degrees(np.arctan2(vecs[1, 1], vecs[0, 1]))
            for k in (1, 2):
                ax.add_patch(Ellipse(mean, 2 * k * np.sqrt(vals[1]), 2 * k * np.sqrt(vals[0]),
                                     angle=angle, fill=False, lw=1, color="k", alpha=0.6 / k))
        ax.set_title(f"GaussianMixture ({kind})")
    return _save(fig, out, "gmm.png")


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


def _roc(out, data, results):
    import matplotlib.pyplot as plt

    from .metrics import roc_auc_ci, roc_curve

    models = [m for m in _classifiers() if m[0] != "C4.5"]
    classes = np.unique(data.y_train)
    positive = classes[-1]
    y = (data.y_test == positive).astype(int)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for name, factory in models:
        model = factory().fit(data.X_train, data.y_train == positive)
        score = (model.predict_proba(data.X_test)[:, 1] if hasattr(model, "predict_proba")
                 else model.decision_function(data.X_test))
        fpr, tpr, _ = roc_curve(y, np.asarray(score))
        auc, lo, hi = roc_auc_ci(y, np.asarray(score))
        ax.plot(fpr, tpr, label=f"{name}: AUC {auc:.3f} [{lo:.3f}, {hi:.3f}]")
    ax.plot([0, 1], [0, 1], ls=":", color="grey")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(f"ROC, {positive!s} vs rest (test split); 95% DeLong intervals")
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, out, "roc.png")


def _c45_tree(out, data, results):
    import matplotlib.pyplot as plt

    from . import tree

    model = tree.C45Classifier().fit(data.frame_train, data.y_train)
    fig, ax = plt.subplots(figsize=(11, 6))
    tree.plot_tree(model, ax=ax, feature_names=list(model.feature_names_in_)
                   if hasattr(model, "feature_names_in_") else None,
                   class_names=[str(c) for c in model.classes_], filled=True)
    ax.set_title("C4.5 (pruned, confidence factor 0.25) on the training columns as given")
    (out / "c45_rules.txt").write_text(tree.export_rules(model))
    return _save(fig, out, "c45_tree.png")


# (title, drawing function, needs numeric columns)
_FIGURES = [
    ("Normalization: the training features before and after each scaler", _scalers, True),
    ("PCA and LDA projections", _projections, True),
    ("Decision regions on the first two principal components", _decision_regions, True),
    ("Gaussian mixtures on the first two principal components", _gmm_ellipses, True),
    ("ROC curves with DeLong confidence intervals", _roc, True),
    ("The C4.5 tree", _c45_tree, False),
]
