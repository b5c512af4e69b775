#!/usr/bin/env python3
"""Independent re-computation of corpus-qa's classification metrics, for cross-checking.

Plain Python 3 (standard library only), written from scikit-learn's documented definitions rather
than from corpus-qa's code, and computed another way where there is one:

  accuracy            accuracy_score: share of exact matches
  per class           precision_recall_fscore_support(average=None, zero_division=0): precision,
                      recall, F1 and support of each class; a 0/0 ratio is 0
  macro_*, weighted_* the same with average="macro" (unweighted mean over classes) and
                      average="weighted" (weighted by support)
  matthews_corrcoef   matthews_corrcoef: here from its definition as the correlation of the one-hot
                      gold and predicted matrices, cov(Y, P) / sqrt(cov(Y, Y) cov(P, P)), 0 when a
                      variance is 0
  confusion_matrix    confusion_matrix: rows gold, columns predicted
The classes are those used by the gold labels or the predictions, sorted (scikit-learn's
unique_labels, for strings).

Usage:
  python3 tools/check-classification-metrics.py --pairs PAIRS.json [--metrics metrics.json] [--tol 1e-12]
PAIRS.json is {"gold": [labels...], "predicted": [labels...]}. Without --metrics the metrics are
printed as JSON; with it every value computed here must be in FILE (its "classification" object if
it has one) and agree within --tol: exit 0 when they all agree, 1 when any differs or is missing.
"""

import argparse
import json
import math
import sys


def metrics(gold, predicted):
    if len(gold) != len(predicted):
        raise SystemExit("gold and predicted differ in length")
    classes = sorted(set(gold) | set(predicted))
    n = len(gold)
    out = {"total": n, "accuracy": (sum(1 for g, p in zip(gold, predicted) if g == p) / n) if n else 0.0}
    per_class = {}
    for c in classes:
        tp = sum(1 for g, p in zip(gold, predicted) if g == c and p == c)
        predicted_c = sum(1 for p in predicted if p == c)
        true_c = sum(1 for g in gold if g == c)
        precision = tp / predicted_c if predicted_c else 0.0
        recall = tp / true_c if true_c else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        per_class[c] = {"precision": precision, "recall": recall, "f1": f1, "support": true_c}
    k = len(classes)
    for name in ("precision", "recall", "f1"):
        values = [per_class[c][name] for c in classes]
        out["macro_" + name] = sum(values) / k if k else 0.0
        weights = [per_class[c]["support"] for c in classes]
        out["weighted_" + name] = (sum(v * w for v, w in zip(values, weights)) / sum(weights)) if sum(weights) else 0.0
    out["matthews_corrcoef"] = correlation(gold, predicted, classes)
    out["per_class"] = per_class
    out["labels"] = classes
    out["confusion_matrix"] = [[sum(1 for g, p in zip(gold, predicted) if g == row and p == col) for col in classes]
                               for row in classes]
    return out


def correlation(gold, predicted, classes):
    """Pearson correlation of the flattened one-hot matrices, as sklearn's docs define the multiclass MCC."""
    n = len(gold)
    if n == 0:
        return 0.0

    def one_hot(labels):
        return [[1.0 if label == c else 0.0 for c in classes] for label in labels]

    y, p = one_hot(gold), one_hot(predicted)

    def cov(a, b):
        total = 0.0
        for k in range(len(classes)):
            mean_a = sum(row[k] for row in a) / n
            mean_b = sum(row[k] for row in b) / n
            total += sum((a[i][k] - mean_a) * (b[i][k] - mean_b) for i in range(n))
        return total

    var_y, var_p = cov(y, y), cov(p, p)
    if var_y == 0 or var_p == 0:
        return 0.0
    return cov(y, p) / math.sqrt(var_y * var_p)


def compare(want, have, tol, path, problems):
    if isinstance(want, dict):
        if not isinstance(have, dict):
            problems.append(f"{path}: expected an object")
            return
        for key, value in want.items():
            if key not in have:
                problems.append(f"{path}/{key}: missing")
            else:
                compare(value, have[key], tol, f"{path}/{key}", problems)
    elif isinstance(want, list):
        if not isinstance(have, list) or len(have) != len(want):
            problems.append(f"{path}: expected a list of {len(want)}")
            return
        for i, (a, b) in enumerate(zip(want, have)):
            compare(a, b, tol, f"{path}[{i}]", problems)
    elif isinstance(want, str):
        if want != have:
            problems.append(f"{path}: {have!r} != {want!r}")
    elif not isinstance(have, (int, float)) or abs(float(want) - float(have)) > tol:
        problems.append(f"{path}: {have!r} != {want!r}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pairs", required=True)
    p.add_argument("--metrics")
    p.add_argument("--tol", type=float, default=1e-12)
    args = p.parse_args()
    with open(args.pairs, encoding="utf-8") as f:
        pairs = json.load(f)
    computed = metrics(pairs["gold"], pairs["predicted"])
    if not args.metrics:
        json.dump(computed, sys.stdout, indent=1, ensure_ascii=False)
        print()
        return
    with open(args.metrics, encoding="utf-8") as f:
        have = json.load(f)
    have = have.get("classification", have)
    problems = []
    compare(computed, have, args.tol, "", problems)
    for problem in problems:
        print(problem)
    print("agree" if not problems else f"{len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
