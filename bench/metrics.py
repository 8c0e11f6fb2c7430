"""Body-text quality: the 4-word-shingle F1 of the Article Extraction Benchmark (its evaluate.py).

For each page, the bags of 4-word shingles (``\\w+`` tokens) of the extracted body and of the true
body give TP/FP/FN, normalised so that each page weighs the same; precision and recall are
averaged over pages separately, and F1 is taken from the two averages.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


class Scores(NamedTuple):
    """Precision, recall and F1 over a set of pages (each 0.0 to 1.0)."""

    precision: float
    recall: float
    f1: float


def shingles(text: str, n: int = SHINGLE) -> Counter[str]:
    """The bag of ``n``-word shingles of ``text`` (one shingle of all words when shorter)."""
    tokens = _TOKEN.findall(text or "")
    grams = (" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def tp_fp_fn(true: str, pred: str, n: int = SHINGLE) -> tuple[float, float, float]:
    """TP, FP, FN of ``pred`` against ``true``, normalised to sum to 1 (all 0 when both empty)."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def score(pairs: Iterable[tuple[str, str]]) -> Scores:
    """Scores of (true body, predicted body) pairs, the benchmark's way."""
    counts = [tp_fp_fn(true, pred) for true, pred in pairs]
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)
