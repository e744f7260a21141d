"""The `mlkit` command end to end: the demo's table and report, and its errors."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from mlkit.cli import main


def test_demo_prints_the_table_and_writes_the_report(tmp_path, capsys):
    status = main(["demo", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    for name in ("StandardScaler", "MinMaxScaler", "DecimalScaler", "Normalizer"):
        assert name in out
    assert "NO" not in out.split("report written")[0].replace("NORM", "")
    for name in ("PCA", "LDA", "LogisticRegression", "GaussianNB", "GaussianMixture", "KMeans",
                 "DecisionTreeClassifier", "C45Classifier", "SVC", "MLPClassifier", "roc_auc"):
        assert name in out
    page = (tmp_path / "report.md").read_text()
    figures = re.findall(r"!\[[^]]*\]\(([^)]+)\)", page)
    assert {"normalization.png", "projections.png", "decision_regions.png", "gmm.png",
            "roc.png", "c45_tree.png"} <= set(figures)
    for name in figures:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "c45_rules.txt").read_text().startswith("IF ")


@pytest.mark.parametrize("dataset", ["wine", "breast_cancer"])
def test_demo_on_other_bundled_data(dataset, capsys):
    assert main(["demo", "--dataset", dataset]) == 0
    assert dataset in capsys.readouterr().out


def test_demo_report_on_two_classes(tmp_path, capsys):
    # two classes have one discriminant: the LDA projection asked for two and crashed
    assert main(["demo", "--dataset", "breast_cancer", "--out", str(tmp_path)]) == 0
    assert "not drawn" not in (tmp_path / "report.md").read_text()
    assert (tmp_path / "projections.png").is_file()


def test_demo_out_must_be_a_folder(tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("")
    assert main(["demo", "--out", str(target)]) == 2
    assert "is not a folder" in capsys.readouterr().err


def _csv(tmp_path, text):
    p = tmp_path / "data.csv"
    p.write_text(text)
    return str(p)


@pytest.mark.parametrize(
    "make,args,message",
    [
        (lambda t: str(t / "missing.csv"), [], "no such data set or file"),
        (lambda t: _csv(t, ""), [], "cannot read"),
        (lambda t: _csv(t, "a,b,c\n" + "1,2,x\n" * 10), ["--target", "d"], "no column 'd'"),
        (lambda t: _csv(t, "a,b,c\n" + "1,2,x\n" * 10), [], "single class"),
        # found by a randomized run of the command on plausible CSVs (these gave tracebacks)
        (lambda t: _csv(t, "a,b,c\n" + "1,,x\n2,3,y\n" * 6), [], "missing values in columns b"),
        (lambda t: _csv(t, "a,b,c\n" + "1,inf,x\n2,3,y\n" * 6), [], "infinite values"),
        (lambda t: _csv(t, "a,b,c\n" + "1e300,1,x\n2,3,y\n" * 6), [], "beyond 1e150"),
        (lambda t: _csv(t, "a,b\n" + "".join(f"{i},{i / 7:.4f}\n" for i in range(30))), [],
         "some with a single row"),
        (lambda t: _csv(t, "a,b\n" + "".join(f"{i},{i % 10}\n" for i in range(20))), [],
         "too few for 10 classes"),
        (lambda t: _csv(t, "a,b\n1,x\n2,y\n"), [], "too small"),
    ],
    ids=["missing", "empty", "no such target", "one class", "missing values", "inf",
         "huge values", "regression target", "classes vs rows", "tiny"],
)
def test_demo_bad_csv_is_one_line_and_exit_2(tmp_path, make, args, message):
    proc = subprocess.run(
        [sys.executable, "-m", "mlkit", "demo", "--dataset", make(tmp_path), *args],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_demo_on_a_user_csv(tmp_path, capsys):
    from mlkit.datasets import load_iris

    df = load_iris(as_frame=True).rename(columns={"class": "species"})
    path = tmp_path / "iris.csv"
    df.to_csv(path, index=False)
    assert main(["demo", "--dataset", str(path), "--target", "species"]) == 0


def test_demo_on_categorical_columns(tmp_path, capsys):
    # play-tennis is all categorical: the models that take categories as they are run
    assert main(["demo", "--dataset", "play_tennis", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "C45Classifier (every column)" in out and "MixedNB (every column)" in out
    assert "StandardScaler" not in out
    assert (tmp_path / "c45_tree.png").exists()


def test_demo_on_a_csv_with_numeric_and_categorical_columns(tmp_path, capsys):
    from mlkit.datasets import load_iris

    df = load_iris(as_frame=True)
    df.insert(0, "size", pd.cut(df["sepal length (cm)"], 3, labels=["small", "mid", "big"]))
    path = tmp_path / "mixed.csv"
    df.to_csv(path, index=False)
    assert main(["demo", "--dataset", str(path)]) == 0
    out = capsys.readouterr().out
    assert "StandardScaler" in out and "MixedNB (every column)" in out


def test_info_and_capabilities(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "scikit-learn" in out and "StandardScaler" in out
    assert main(["capabilities"]) == 0
    assert "| estimator |" in capsys.readouterr().out


def test_a_quick_benchmark_run_leaves_the_recorded_results_alone(monkeypatch, tmp_path):
    # `mlkit bench --quick` rewrote benchmarks/RESULTS.md with its small sizes
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "_harness.py"
    spec = importlib.util.spec_from_file_location("_bench_harness", path)
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    results = tmp_path / "RESULTS.md"
    results.write_text("recorded\n")
    monkeypatch.setattr(harness, "RESULTS", results)
    monkeypatch.setattr(sys, "argv", ["bench_x.py", "--quick"])
    harness.write_section("x", "quick numbers")
    assert results.read_text() == "recorded\n"
    monkeypatch.setattr(sys, "argv", ["bench_x.py"])
    harness.write_section("x", "full numbers")
    assert "full numbers" in results.read_text()
