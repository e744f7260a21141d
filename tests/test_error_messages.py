"""Errors that say what to do: refused options say why and what to use instead, and string
columns given to a numeric estimator point to the estimators that take them.

The hints are checked by running them: the calibration code quoted in SVC's error is executed
and its probabilities compared with scikit-learn's own SVC calibrated the same way.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import is_regressor

from mlkit._discovery import all_estimators
from mlkit._validation import InvalidParameterError, validate_params
from mlkit.discriminant_analysis import LinearDiscriminantAnalysis
from mlkit.linear_model import LinearRegression, LogisticRegression, LogisticRegressionCV
from mlkit.mixture import GaussianMixture
from mlkit.neural_network import MLPClassifier
from mlkit.svm import SVC, LinearSVC
from mlkit.tree import DecisionTreeClassifier

from ._data import make_data

# ---------------------------------------------------------------------------------------------
# SVC(probability=True): the error quotes working code
# ---------------------------------------------------------------------------------------------


def _svc_data():
    X, y = make_data("continuous", n=90, d=4)
    return X, y


def test_svc_probability_true_says_why_and_what_to_do():
    X, y = _svc_data()
    with pytest.raises(InvalidParameterError) as err:
        SVC(probability=True).fit(X, y)
    message = str(err.value)
    for words in ("probability=True (Platt-scaled probabilities) is not offered",
                  "give the margin", "internal 5-fold cross-validation",
                  "CalibratedClassifierCV(SVC(...), method='sigmoid', ensemble=False)"):
        assert words in message, (words, message)
    assert isinstance(err.value, ValueError)  # code that caught scikit-learn's error still does


def _quoted_code(message):
    """The statements after 'Instead, ...advises: ' in the error, with SVC(...) as SVC()."""
    code = message.split("advises: ", 1)[1].rstrip(".")
    return code.replace("SVC(...)", "SVC()").split("; ")


def test_the_calibration_hint_runs_and_gives_scikit_learns_probabilities():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import SVC as SkSVC

    X, y = _svc_data()
    with pytest.raises(InvalidParameterError) as err:
        SVC(probability=True).fit(X, y)
    namespace = {"SVC": SVC, "X": X, "y": y}
    *statements, last = _quoted_code(str(err.value))
    for statement in statements:
        exec(statement, namespace)
    proba = eval(last, namespace)
    assert proba.shape == (90, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    # the same calibration around scikit-learn's libsvm: the margins agree to ~1e-4, so do
    # the calibrated probabilities
    theirs = CalibratedClassifierCV(SkSVC(), method="sigmoid", ensemble=False).fit(X, y)
    np.testing.assert_allclose(proba, theirs.predict_proba(X), atol=1e-3)
    assert np.mean(proba.argmax(axis=1) == y) > 0.7


def test_the_docstrings_calibration_example_runs():
    doc = SVC.__doc__
    block = doc.split("advises -- it works with this SVC::", 1)[1].split("\n    tol :", 1)[0]
    lines = [line.strip() for line in block.strip().splitlines()]
    X, y = _svc_data()
    namespace = {"SVC": SVC, "X": X, "y": y}
    exec("\n".join(lines[:-1]), namespace)
    assert eval(lines[-1], namespace).shape == (90, 3)


# ---------------------------------------------------------------------------------------------
# every refused option: what is refused, why, and what to use instead
# ---------------------------------------------------------------------------------------------

# (estimator, params, error type, the words that must appear). The words name the refused value,
# the reason (after 'not offered:'), and the replacement (after 'Instead,').
REFUSED = [
    (SVC, {"probability": True}, InvalidParameterError,
     ["not offered: the QP and SMO solvers give the margin", "Instead, calibrate explicitly",
      "CalibratedClassifierCV"]),
    (LinearSVC, {"multi_class": "crammer_singer"}, InvalidParameterError,
     ["multi_class='crammer_singer' (Crammer and Singer's joint multiclass machine) is not "
      "offered: it is one QP over all classes", "Instead, use multi_class='ovr'",
      "SVC(kernel='linear')"]),
    (LogisticRegression, {"solver": "newton-cg"}, InvalidParameterError,
     ["solver='newton-cg' (Newton's method) is not offered: mlkit's solver='natural' is "
      "Newton's method", "Instead, use solver='natural'"]),
    (LogisticRegression, {"solver": "newton-cholesky"}, InvalidParameterError,
     ["solver='newton-cholesky' (Newton's method) is not offered",
      "Instead, use solver='natural'"]),
    (LogisticRegression, {"solver": "liblinear"}, InvalidParameterError,
     ["solver='liblinear' (liblinear's coordinate descent) is not offered: mlkit does not "
      "wrap", "Instead, use solver='lbfgs' for penalty='l2' or solver='fista'"]),
    (LogisticRegression, {"solver": "sag"}, InvalidParameterError,
     ["solver='sag' (stochastic average gradient) is not offered",
      "Instead, use solver='gd' with batch_size"]),
    (LogisticRegression, {"solver": "saga"}, InvalidParameterError,
     ["solver='saga' (stochastic average gradient) is not offered", "solver='fista'"]),
    (LogisticRegressionCV, {"solver": "saga", "Cs": 2, "cv": 2}, InvalidParameterError,
     ["LogisticRegressionCV: solver='saga' (stochastic average gradient) is not offered"]),
    (LogisticRegression, {"dual": True}, InvalidParameterError,
     ["dual=True (liblinear's dual problem) is not offered: only the primal problem is "
      "solved", "Instead, use dual=False"]),
    (LinearRegression, {"positive": True}, InvalidParameterError,
     ["positive=True (non-negative least squares) is not offered: it is a bound-constrained "
      "problem", "Instead, use scipy.optimize.nnls"]),
    (DecisionTreeClassifier, {"splitter": "random"}, InvalidParameterError,
     ["splitter='random' (one random threshold per feature) is not offered: the split search "
      "scores every threshold", "Instead, draw features at random (max_features='sqrt'",
      "ExtraTreeClassifier"]),
    (DecisionTreeClassifier, {"monotonic_cst": [1, 0, 0, -1]}, InvalidParameterError,
     ["monotonic_cst=[1, 0, 0, -1] (monotonicity constraints) is not offered: they need every "
      "candidate split checked", "Instead, use sklearn.tree.DecisionTreeClassifier("
      "monotonic_cst=...)"]),
    (GaussianMixture, {"reg_covar": 0.0}, InvalidParameterError,
     ["reg_covar=0.0 (unregularized covariances) is not offered: a covariance left "
      "unregularized turns singular", "Instead, take a tiny value such as reg_covar=1e-12"]),
    (GaussianMixture, {"reg_covar": 0}, InvalidParameterError,
     ["reg_covar=0 (unregularized covariances) is not offered"]),
    # scikit-learn refuses these too (same type, its sentence first); mlkit adds why and what
    (LinearDiscriminantAnalysis, {"shrinkage": "auto"}, NotImplementedError,
     ["shrinkage not supported with 'svd' solver. The 'svd' solver works on the SVD of the "
      "centred data", "use solver='lsqr' or 'eigen' with shrinkage"]),
]


def _ids(case):
    cls, params = case[0], case[1]
    return cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in params.items())


@pytest.mark.parametrize("case", REFUSED, ids=_ids)
def test_each_refused_option_says_why_and_what_instead(case):
    cls, params, kind, words = case
    X, y = make_data("continuous", n=60, d=4)
    with pytest.raises(kind) as err:
        cls(**params).fit(X, y)
    message = str(err.value)
    for w in words:
        assert w in message, (w, message)
    if kind is InvalidParameterError:  # mlkit's one wording
        assert re.fullmatch(rf"{cls.__name__}: \w+=.+ \(.+\) is not offered: .+\. Instead, .+\.",
                            message), message


def test_every_refused_value_of_a_twins_parameter_is_in_the_table():
    # each value a scikit-learn twin's constraints accept and mlkit's refuse has a
    # NotOffered entry (so its error says why) and a row above (so the wording is tested)
    import importlib

    from sklearn.utils._param_validation import StrOptions as SkStr

    from .test_common import TWINS

    tested = {(cls.__name__, k, repr(v)) for cls, params, *_ in REFUSED
              for k, v in params.items() if k not in ("Cs", "cv")}
    estimators = dict(all_estimators())
    for name, module in TWINS.items():
        twin = getattr(importlib.import_module(module), name)
        ours = estimators[name]
        for param, constraints in twin._parameter_constraints.items():
            values = [o for c in constraints if isinstance(c, SkStr) for o in c.options]
            values += [True, False] if "boolean" in constraints else []
            for value in values:
                try:
                    validate_params(ours(**{param: value}))
                except InvalidParameterError as exc:
                    assert "is not offered:" in str(exc), (name, param, value, str(exc))
                    assert (name, param, repr(value)) in tested, (name, param, value)


def test_refused_inputs_say_why_and_what_instead():
    X, y = make_data("continuous", n=60, d=4)
    Y = np.stack([y == 0, y == 1], axis=1).astype(int)
    with pytest.raises(ValueError, match=r"^MLPClassifier: a multilabel target \(y should be a "
                       r"1d array, got an array of shape \(60, 2\)\) is not offered: the output "
                       r"layer models one class per row"
                       r".* Instead, fit one network per label with sklearn\.multioutput\."):
        MLPClassifier(max_iter=5).fit(X, Y)
    with pytest.raises(ValueError, match=r"^Complex data not supported\. .* pass the real and "
                       r"imaginary parts as separate columns"):
        LinearRegression().fit(X * 1j, y)
    lda = LinearDiscriminantAnalysis(solver="lsqr").fit(X, y)
    with pytest.raises(NotImplementedError, match=r"transform not implemented for 'lsqr' "
                       r"solver \(use 'svd' or 'eigen'\)\. 'lsqr' solves for the classifier's"):
        lda.transform(X)


def test_refused_metric_options_say_why_and_what_instead():
    from mlkit.metrics import roc_auc_score, roc_curve

    rng = np.random.default_rng(0)
    y = np.arange(30) % 3
    P = rng.dirichlet([1.0, 1.0, 1.0], size=30)
    with pytest.raises(NotImplementedError, match=r"multi_class='ovo'\. .* use "
                       r"multi_class='ovr' for one AUC per class"):
        roc_auc_score(y, P, multi_class="ovo", average=None)
    with pytest.raises(ValueError, match="Hand & Till's pairwise AUC is unweighted"):
        roc_auc_score(y, P, multi_class="ovo", sample_weight=np.ones(30))
    with pytest.raises(ValueError, match=r"^multiclass format is not supported: .* pass "
                       r"pos_label"):
        roc_curve(y, P[:, 0])
    Y = (rng.random((30, 3)) < 0.5).astype(int)
    with pytest.raises(ValueError, match=r"^roc_auc_score: max_fpr with average='samples' .* "
                       r"is not offered: .* Instead, use average='macro'"):
        roc_auc_score(Y, P, average="samples", max_fpr=0.5)


# ---------------------------------------------------------------------------------------------
# string columns given to a numeric estimator
# ---------------------------------------------------------------------------------------------

# the estimators that take string / categorical columns as they are (DataFrames by dtype;
# C4.5 and ID3 also NumPy columns of strings)
TAKES_STRINGS = {"C45Classifier", "ID3Classifier", "MixedNB"}
NUMERIC = [(n, c) for n, c in all_estimators() if n not in TAKES_STRINGS]


def _string_inputs():
    X, y = make_data("continuous", n=40, d=3)
    colour = np.where(X[:, 1] > np.median(X[:, 1]), "red", "blue")
    obj = X.astype(object)
    obj[:, 1] = colour
    frame = pd.DataFrame(X, columns=["a", "colour", "c"])
    frame["colour"] = colour
    return y, {
        "numpy object": (obj, 1),
        "numpy str": (obj.astype(str), 1),
        "DataFrame object": (frame, "colour"),
        "DataFrame category": (frame.astype({"colour": "category"}), "colour"),
        "DataFrame string": (frame.astype({"colour": "string"}), "colour"),
    }


HINT = ("takes numeric columns only. For columns of strings or categories use "
        "mlkit.naive_bayes.MixedNB, mlkit.tree.C45Classifier or mlkit.tree.ID3Classifier, "
        "which take them as they are, or encode them first with "
        "sklearn.preprocessing.OrdinalEncoder or OneHotEncoder")


@pytest.mark.parametrize("cls", [c for _, c in NUMERIC], ids=[n for n, _ in NUMERIC])
def test_string_columns_point_to_the_estimators_that_take_them(cls):
    y, inputs = _string_inputs()
    est = cls(**cls._capabilities.test_params)
    for form, (X, column) in inputs.items():
        with pytest.raises(ValueError) as err:
            est.fit(X, y)
        message = str(err.value)
        assert message.startswith("could not convert string to float: "), (form, message)
        assert f"(column {column!r}). {cls.__name__} {HINT}" in message, (form, message)


def test_the_estimators_named_in_the_hint_take_string_columns():
    y, inputs = _string_inputs()
    from mlkit.naive_bayes import MixedNB
    from mlkit.tree import C45Classifier, ID3Classifier

    for form, (X, _) in inputs.items():
        for est in (C45Classifier(), ID3Classifier()):
            assert est.fit(X, y).predict(X).shape == (40,), (type(est).__name__, form)
        if form.startswith("DataFrame"):
            assert MixedNB().fit(X, y).predict(X).shape == (40,), form
        else:  # a NumPy array says which columns are categorical through the parameter
            assert MixedNB(categorical_features=[1]).fit(X, y).predict(X).shape == (40,)
    # and the encoders make any numeric estimator take them
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    from mlkit.linear_model import LogisticRegression as LR

    X = inputs["DataFrame object"][0]
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["colour"]),
                                                 remainder="passthrough"), LR())
    assert pipe.fit(X, y).predict(X).shape == (40,)


def test_mixednb_says_how_to_mark_a_numpy_string_column():
    from mlkit.naive_bayes import MixedNB

    y, inputs = _string_inputs()
    X = inputs["numpy object"][0]
    with pytest.raises(ValueError, match=r"^could not convert string to float: '\w+' \(column "
                       r"1\)\. MixedNB treats a column as categorical when categorical_features "
                       r"names it"):
        MixedNB().fit(X, y)
    with pytest.raises(ValueError, match=r"\(column 1\)\. MixedNB treats"):  # a numeric column
        MixedNB(categorical_features=[0]).fit(X, y)


def test_the_hint_also_comes_after_fit_and_not_for_other_errors():
    from mlkit.linear_model import LinearRegression as LinReg
    from mlkit.preprocessing import StandardScaler

    y, inputs = _string_inputs()
    X, _ = inputs["numpy object"]
    scaler = StandardScaler().fit(X[:, [0, 2]].astype(float))
    with pytest.raises(ValueError, match=r"\(column 0\)\. StandardScaler takes numeric"):
        scaler.transform(X[:, [1, 2]])
    # strings in a regression target: scikit-learn's error, without the hint about X
    Xf = X[:, [0, 2]].astype(float)
    with pytest.raises(ValueError) as err:
        LinReg().fit(Xf, np.where(y > 0, "a", "b"))
    assert "MixedNB" not in str(err.value)
    # an object that is no number and no string: scikit-learn's TypeError, untouched
    bad = Xf.astype(object)
    bad[0, 0] = {"foo": "bar"}
    with pytest.raises(TypeError, match="argument must be a string or a real number"):
        StandardScaler().fit(bad)
    # the regressors among the numeric estimators get the hint too (y is numeric here)
    regs = [c for _, c in NUMERIC if is_regressor(c())]
    assert regs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cls in regs:
            with pytest.raises(ValueError, match="takes numeric columns only"):
                cls().fit(X, y.astype(float))
