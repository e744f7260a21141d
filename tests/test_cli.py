"""The `mlkit` command end to end: the demo's table and report, and its errors."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import mlkit
from mlkit import cli
from mlkit._discovery import README_END, README_START
from mlkit.cli import main
from tests._packaging import installed_copy


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
    assert "[c45_rules.txt](c45_rules.txt)" in page
    # C4.5 is compared with CART: a nearest twin, not held to a tolerance
    (c45,) = [ln for ln in page.splitlines() if ln.startswith("| C45Classifier (vs CART")]
    assert c45.endswith("| n/a: nearest twin (a different algorithm), no tolerance |")


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
    page = (tmp_path / "report.md").read_text()
    assert page.count("| n/a: no scikit-learn twin |") == 3 and "| yes |" not in page


def test_demo_on_a_csv_with_numeric_and_categorical_columns(tmp_path, capsys):
    from mlkit.datasets import load_iris

    df = load_iris(as_frame=True)
    df.insert(0, "size", pd.cut(df["sepal length (cm)"], 3, labels=["small", "mid", "big"]))
    path = tmp_path / "mixed.csv"
    df.to_csv(path, index=False)
    assert main(["demo", "--dataset", str(path)]) == 0
    out = capsys.readouterr().out
    assert "StandardScaler" in out and "MixedNB (every column)" in out


# --- without rich (the `pretty` extra): the same table as aligned plain text -------------------


def _hide_rich(monkeypatch):
    """rich not installed, as the import system sees it: ``import rich...`` raises."""
    for name in ["rich", *(m for m in list(sys.modules) if m.startswith("rich."))]:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.fixture
def no_rich(monkeypatch):
    _hide_rich(monkeypatch)


def _rich_rows(text):
    """The cells of a rich table's header and body lines (its box-drawing column rules)."""
    return [[cell.strip() for cell in line.strip()[1:-1].split(line.strip()[0])]
            for line in text.splitlines() if line.startswith(("┃", "│"))]


def _plain_rows(text):
    """The title and the cells of the header and rows of a plain table, cut where the rule of
    dashes under the header says each column is."""
    lines = text.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line and set(line) <= {"-", " "}]
    spans = [m.span() for m in re.finditer("-+", lines[at])]
    rows = [lines[at - 1], *lines[at + 1:]]
    return lines[at - 2], [[line[a:b].strip() for a, b in spans] for line in rows], rows, spans


def test_demo_without_rich_prints_the_same_rows_as_plain_text(monkeypatch, capsys):
    from mlkit.demo import _run

    rich_console = pytest.importorskip("rich.console")
    assert _run.run("iris", console=rich_console.Console(width=400)) == 0  # no wrapped cells
    rich = _rich_rows(capsys.readouterr().out)
    _hide_rich(monkeypatch)
    assert main(["demo"]) == 0
    title, plain, lines, spans = _plain_rows(capsys.readouterr().out)
    assert title.startswith("mlkit vs scikit-learn on iris (")
    assert plain[0] == list(_run.COLUMNS)
    # aligned: model and agreement flush left, the other columns flush right
    for line in lines[1:]:
        for col, (a, b) in zip(_run.COLUMNS, spans, strict=True):
            assert line[a] != " " if col in ("model", "agreement") else line[b - 1] != " "
    # the same rows as rich's table, the fit times aside (they are measured again)
    assert [row[:4] for row in plain] == [row[:4] for row in rich]
    assert len(plain) > 20 and all(re.fullmatch(r"[\d.]+ ms|-", cell)
                                   for row in plain[1:] for cell in row[4:])


def test_plain_table_aligns_its_columns():
    from mlkit.demo._run import plain_table

    text = plain_table("Title", ("name", "n"), [("a", "1"), ("longer", "22")], left=("name",))
    assert text.split("\n") == ["Title",
                                 "name     n",
                                 "------  --",
                                 "a        1",
                                 "longer  22"]


def test_demo_without_rich_says_which_rows_disagree(no_rich, monkeypatch, capsys):
    from mlkit.demo import _cases, _run
    from mlkit.preprocessing import StandardScaler

    row = _cases.Case("[bold]odd[/bold] scaler", StandardScaler, None,
                      lambda ours, theirs, data: ("-", "off by 1", False))
    monkeypatch.setattr(_run, "cases", lambda data: [row])
    assert main(["demo"]) == 1
    out = capsys.readouterr().out
    assert out.endswith("\ndisagreement beyond tolerance: [bold]odd[/bold] scaler\n")
    _, cells, _, _ = _plain_rows(out.rsplit("\n", 2)[0])
    assert cells[1][:4] == ["[bold]odd[/bold] scaler", "-", "off by 1", "NO"]


def test_info_and_capabilities_without_rich(capsys, monkeypatch):
    assert main(["info"]) == 0 and main(["capabilities"]) == 0
    with_rich = capsys.readouterr().out
    _hide_rich(monkeypatch)
    assert main(["info"]) == 0 and main(["capabilities"]) == 0
    without = capsys.readouterr().out
    # the same lines and tables, but for rich's own line
    (line,) = [ln for ln in with_rich.splitlines() if ln.startswith("  rich: ")]
    assert line != "  rich: ?" and "  rich: not installed" in without.splitlines()
    assert without == with_rich.replace(line, "  rich: not installed")


ROOT = Path(__file__).resolve().parents[1]


def test_info_and_capabilities(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"mlkit-textbook {mlkit.__version__} (import mlkit); NumPy ")
    assert "scikit-learn" in out and "StandardScaler" in out and "roc_auc_score" in out
    assert main(["capabilities"]) == 0
    out = capsys.readouterr().out
    assert "| estimator |" in out and "| function |" in out


def test_capabilities_prints_the_readme_section():
    # both tables, the estimators' and the functions', exactly as README.md's generated copy
    readme = (ROOT / "README.md").read_text()
    section = readme.split(README_START, 1)[1].split(README_END, 1)[0]
    proc = subprocess.run([sys.executable, "-m", "mlkit", "capabilities"], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "\n" + proc.stdout == section


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"mlkit-textbook {mlkit.__version__}\n"


@pytest.mark.parametrize("command", ["info", "capabilities"])
def test_a_closed_pipe_is_quiet(command):
    # `mlkit info | head`: the reader closes the pipe early; no BrokenPipeError traceback
    proc = subprocess.run(f"{shlex.quote(sys.executable)} -m mlkit {command} | head -n 3",
                          shell=True, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 3
    assert proc.stderr == ""


def test_the_installed_package(tmp_path_factory, tmp_path):
    # the wheel unpacked as pip installs it: no benchmarks/ or datasets/ beside the package
    site = installed_copy(tmp_path_factory)
    env = {**os.environ, "PYTHONPATH": str(site)}

    def mlkit_command(*args):
        return subprocess.run([sys.executable, "-m", "mlkit", *args], capture_output=True,
                              text=True, cwd=tmp_path, env=env)

    where = subprocess.run([sys.executable, "-c", "import mlkit; print(mlkit.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert where.stdout.strip() == str(site / "mlkit" / "__init__.py")
    assert mlkit_command("--version").stdout == f"mlkit-textbook {mlkit.__version__}\n"
    # the bundled data, from mlkit._data
    proc = mlkit_command("demo", "--dataset", "play_tennis")
    assert proc.returncode == 0, proc.stderr
    proc = mlkit_command("bench", "--quick")
    assert proc.returncode == 2
    assert proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert "source checkout" in line and "python -m mlkit bench" in line


def _fake_benchmarks(folder, names):
    """A benchmarks/ folder with the real harness and one tiny script per name; the script
    'fails' exits 1 before writing."""
    folder.mkdir()
    shutil.copy(ROOT / "benchmarks" / "_harness.py", folder / "_harness.py")
    (folder / "RESULTS.md").write_text(
        "# Benchmark results\n\n"
        + "".join(f"<!-- bench:{n}:start -->\nold {n} numbers\n<!-- bench:{n}:end -->\n\n"
                  for n in names))
    for name in names:
        (folder / f"bench_{name}.py").write_text(
            "import sys\n"
            "from pathlib import Path\n"
            "sys.path.insert(0, str(Path(__file__).parent))\n"
            "from _harness import write_section\n"
            + ("sys.exit(1)\n" if name == "fails" else "")
            + f"write_section({name!r}, '| x |\\n|---|\\n| new {name} numbers |')\n")
    return folder


def test_bench_marks_the_numbers_of_this_run(tmp_path, monkeypatch, capfd):
    folder = _fake_benchmarks(tmp_path / "benchmarks", ["alpha", "beta", "fails"])
    monkeypatch.setattr(cli, "_benchmarks_folder", lambda: folder)
    assert main(["bench", "--only", "alpha"]) == 0
    out = capfd.readouterr().out
    assert "=== bench_alpha.py: this run ===" in out and "bench_beta" not in out
    assert "(this run wrote: alpha)" in out
    marked = out.split("(this run wrote: alpha):", 1)[1]
    assert re.search(r"\[this run\].*\n<!-- bench:alpha:start -->\n_Measured .*new alpha", marked,
                     re.S)
    assert re.search(r"\[earlier run\].*\n<!-- bench:beta:start -->\nold beta", marked)
    assert re.search(r"\[earlier run\].*\n<!-- bench:fails:start -->\nold fails", marked)

    assert main(["bench"]) == 1  # bench_fails.py exits 1
    out = capfd.readouterr().out
    assert "=== bench_fails.py failed (exit code 1) ===" in out
    assert "(this run wrote: alpha, beta)" in out
    assert re.search(r"\[earlier run\].*\n<!-- bench:fails:start -->\nold fails", out)


def test_a_quick_bench_says_its_numbers_are_this_runs(tmp_path, monkeypatch, capfd):
    folder = _fake_benchmarks(tmp_path / "benchmarks", ["alpha"])
    recorded = (folder / "RESULTS.md").read_text()
    monkeypatch.setattr(cli, "_benchmarks_folder", lambda: folder)
    assert main(["bench", "--quick"]) == 0
    out = capfd.readouterr().out
    assert "new alpha numbers" in out and "old alpha numbers" not in out
    assert "The tables above are this run's, at --quick sizes" in out
    assert (folder / "RESULTS.md").read_text() == recorded


def test_bench_from_the_checkout_finds_its_scripts():
    assert cli._benchmarks_folder() == ROOT / "benchmarks"


def test_a_quick_benchmark_run_leaves_the_recorded_results_alone(monkeypatch, tmp_path):
    # `mlkit bench --quick` rewrote benchmarks/RESULTS.md with its small sizes
    import importlib.util

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
