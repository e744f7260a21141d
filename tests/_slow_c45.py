"""A slow, obvious C4.5 (J48) written with Python loops over cases: the reference that the
vectorized grower and pruner of mlkit.tree are checked against. Cases are (index, weight)
pairs; every rule follows Weka's J48 as documented in mlkit.tree.C45Classifier."""

from __future__ import annotations

import math

from scipy.stats import norm

EPS = 1e-6


def H(counts):
    n = sum(counts)
    if n <= 0:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in counts if c > 0)


def class_counts(cases, y, C):
    out = [0.0] * C
    for i, w in cases:
        out[y[i]] += w
    return out


def add_errs(n, e, cf):
    if n <= 0:
        return 0.0
    if e < 1:
        base = n * (1 - cf ** (1 / n))
        return base if e == 0 else base + e * (add_errs(n, 1, cf) - base)
    if e + 0.5 >= n:
        return max(n - e, 0.0)
    z = norm.ppf(1 - cf)
    f = (e + 0.5) / n
    r = (f + z * z / (2 * n) + z * math.sqrt(f / n - f * f / n + z * z / (4 * n * n))) / (
        1 + z * z / n)
    return r * n - e


def branch(node, x):
    v = x[node["feature"]]
    if math.isnan(v):
        return -1
    if node["categorical"]:
        return int(v)
    return 0 if v <= node["threshold"] else 1


def split_cases(node, cases, X):
    """Known cases to their branch; unknown ones to all, weighted by the known shares."""
    k = node["n_children"]
    bags = [[] for _ in range(k)]
    known_w = [0.0] * k
    unknown = []
    for i, w in cases:
        b = branch(node, X[i])
        if b < 0:
            unknown.append((i, w))
        else:
            bags[b].append((i, w))
            known_w[b] += w
    tot = sum(known_w)
    fr = [kw / tot if tot > 0 else 1.0 / k for kw in known_w]
    for i, w in unknown:
        for b in range(k):
            if fr[b] > 0:
                bags[b].append((i, w * fr[b]))
    return bags


def numeric_model(cases, X, y, f, C, total, min_leaf, all_values):
    known = sorted([(X[i][f], i, w) for i, w in cases if not math.isnan(X[i][f])],
                   key=lambda t: t[0])
    kt = sum(w for _, _, w in known)
    kc = [0.0] * C
    for _, i, w in known:
        kc[y[i]] += w
    ms = 0.1 * kt / C
    ms = min_leaf if ms <= min_leaf + EPS else (25.0 if ms > 25 + EPS else ms)
    if kt < 2 * ms - EPS:
        return None
    left = [0.0] * C
    best, best_j, n_valid = 0.0, -1, 0
    for j in range(len(known) - 1):
        left[y[known[j][1]]] += known[j][2]
        if not known[j][0] + 1e-5 < known[j + 1][0]:
            continue
        lw = sum(left)
        rw = kt - lw
        if lw >= ms - EPS and rw >= ms - EPS:
            right = [a - b for a, b in zip(kc, left, strict=False)]
            g = (H(kc) - (lw * H(left) + rw * H(right)) / kt) * kt / total
            if g > best + EPS:
                best, best_j = g, j
            n_valid += 1
    if n_valid == 0 or best_j < 0:
        return None
    gain = best - math.log2(n_valid) / total
    if gain <= EPS:
        return None
    lw = sum(w for _, _, w in known[: best_j + 1])
    si = H([lw, kt - lw, total - kt])
    mid = (known[best_j][0] + known[best_j + 1][0]) / 2
    if mid == known[best_j + 1][0]:
        mid = known[best_j][0]
    thr = max(v for v in all_values[f] if v <= mid)
    return {"gain": gain, "ratio": gain / si if si > EPS else 0.0, "threshold": thr,
            "categorical": False, "n_children": 2, "feature": f}


def categorical_model(cases, X, y, f, C, total, min_leaf, k):
    bags = [[0.0] * C for _ in range(k)]
    for i, w in cases:
        v = X[i][f]
        if not math.isnan(v):
            bags[int(v)][y[i]] += w
    sizes = [sum(b) for b in bags]
    kt = sum(sizes)
    if sum(s >= min_leaf - EPS for s in sizes) < 2:
        return None
    kc = [sum(b[c] for b in bags) for c in range(C)]
    gain = (H(kc) - sum(s / kt * H(b) for s, b in zip(sizes, bags, strict=False))) * kt / total
    gain = gain if gain > EPS else 0.0
    si = H(sizes + [total - kt])
    return {"gain": gain, "ratio": gain / si if (si > EPS and gain > 0) else 0.0,
            "threshold": None, "categorical": True, "n_children": k, "feature": f}


def build(cases, X, y, C, is_cat, n_cats, all_values, min_leaf=2.0):
    counts = class_counts(cases, y, C)
    total = sum(counts)
    node = {"counts": counts, "children": [], "feature": -1}
    if total < 2 * min_leaf - EPS or total - max(counts) <= EPS:
        return node
    models = []
    for f in range(len(is_cat)):
        if is_cat[f]:
            models.append(categorical_model(cases, X, y, f, C, total, min_leaf, n_cats[f]))
        else:
            models.append(numeric_model(cases, X, y, f, C, total, min_leaf, all_values))
    valid = [m for m in models if m is not None]
    if not valid:
        return node
    average = sum(m["gain"] for m in valid) / len(valid)
    best, best_ratio = None, 0.0
    for m in valid:
        if m["gain"] >= average - 1e-3 and m["ratio"] > best_ratio + EPS:
            best, best_ratio = m, m["ratio"]
    if best is None:
        return node
    node.update({k: best[k] for k in ("feature", "threshold", "categorical", "n_children")})
    node["children"] = [build(bag, X, y, C, is_cat, n_cats, all_values, min_leaf)
                        for bag in split_cases(node, cases, X)]
    return node


def leaves(node):
    if not node["children"]:
        return [node]
    return [leaf for c in node["children"] for leaf in leaves(c)]


def errors(counts):
    return sum(counts) - max(counts)


def collapse(node):
    if not node["children"]:
        return
    if sum(errors(leaf["counts"]) for leaf in leaves(node)) >= errors(node["counts"]) - 1e-3:
        node["children"], node["feature"] = [], -1
    else:
        for c in node["children"]:
            collapse(c)


def redistribute(node, cases, X, y, C):
    node["counts"] = class_counts(cases, y, C)
    node["cases"] = cases
    if node["children"]:
        for c, bag in zip(node["children"], split_cases(node, cases, X), strict=False):
            redistribute(c, bag, X, y, C)


def branch_errors(node, cases, X, y, C, cf):
    if not node["children"]:
        counts = class_counts(cases, y, C)
        return errors(counts) + add_errs(sum(counts), errors(counts), cf)
    return sum(branch_errors(c, bag, X, y, C, cf)
               for c, bag in zip(node["children"], split_cases(node, cases, X), strict=False))


def prune(node, X, y, C, cf=0.25):
    if not node["children"]:
        return
    for c in node["children"]:
        prune(c, X, y, C, cf)
    sizes = [sum(c["counts"]) for c in node["children"]]
    big = max(i for i, s in enumerate(sizes) if s >= max(sizes) - EPS)
    e_branch = branch_errors(node["children"][big], node["cases"], X, y, C, cf)
    e_leaf = errors(node["counts"]) + add_errs(sum(node["counts"]), errors(node["counts"]), cf)
    e_tree = sum(errors(lf["counts"]) + add_errs(sum(lf["counts"]), errors(lf["counts"]), cf)
                 for lf in leaves(node))
    if e_leaf <= e_tree + 0.1 + EPS and e_leaf <= e_branch + 0.1 + EPS:
        node["children"], node["feature"] = [], -1
        return
    if e_branch <= e_tree + 0.1 + EPS:
        raised = node["children"][big]
        for k in ("feature", "threshold", "categorical", "n_children", "children"):
            node[k] = raised.get(k)
        redistribute(node, node["cases"], X, y, C)
        prune(node, X, y, C, cf)


def j48(X, y, C, is_cat, n_cats, *, pruned=True, min_leaf=2.0, cf=0.25):
    """The J48 tree of lists ``X`` (NaN missing; category codes) and int labels ``y``."""
    all_values = {f: sorted({row[f] for row in X if not math.isnan(row[f])})
                  for f in range(len(is_cat)) if not is_cat[f]}
    cases = [(i, 1.0) for i in range(len(X))]
    root = build(cases, X, y, C, is_cat, n_cats, all_values, min_leaf)
    collapse(root)
    if pruned:
        redistribute(root, cases, X, y, C)
        prune(root, X, y, C, cf)
    return root


def canonical(node):
    """(feature, threshold, rounded counts, children) as nested tuples."""
    thr = node.get("threshold") if node["children"] else None
    return (node["feature"] if node["children"] else -1,
            None if thr is None else round(float(thr), 9),
            tuple(round(c, 6) for c in node["counts"]),
            tuple(canonical(c) for c in node["children"]))
