"""Pure normalisation functions: raw strings from a page in, archive values out.

Every function here is total (it never raises on junk text), deterministic and free of I/O; the
ones that clean text are idempotent. The formats they produce are the text contracts of
``docs/architecture.md``; the golden tables in ``tests/fixtures/normalise/`` pin them down.
"""

from __future__ import annotations

from archiver.normalise.authors import clean_author
from archiver.normalise.body import body_text, strip_lead, word_count
from archiver.normalise.credits import clean_credit, credit_source, split_caption_credit
from archiver.normalise.dates import (
    Precision,
    Stated,
    parse_published,
    parse_stated,
    to_local_iso,
    to_utc_iso,
)
from archiver.normalise.identity import text_fingerprint
from archiver.normalise.periods import format_period, parse_period
from archiver.normalise.status import Status, trend_status
from archiver.normalise.text import clean_title, collapse_ws
from archiver.normalise.urls import canonical_url

__all__ = [
    "Precision",
    "Stated",
    "Status",
    "body_text",
    "canonical_url",
    "clean_author",
    "clean_credit",
    "clean_title",
    "collapse_ws",
    "credit_source",
    "format_period",
    "parse_period",
    "parse_published",
    "parse_stated",
    "split_caption_credit",
    "strip_lead",
    "text_fingerprint",
    "to_local_iso",
    "to_utc_iso",
    "trend_status",
    "word_count",
]
