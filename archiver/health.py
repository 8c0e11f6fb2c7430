"""Extraction health: which source gave each field, per run, and the check that alarms on it.

A redesign of the site makes the site's selectors find nothing while the fallbacks (structured
metadata, generic extraction) keep the archive filling, so the values look fine and nobody
notices. The health of a run counts, for each field of every parsed article page, the source that
gave it (``selector`` = the site's own template; anything else = a fallback; ``missing``), and the
template each page was recognised as. ``archiver check`` fails when the share of a required field
taken from the site's selectors falls below a threshold.

Stored as JSON in ``crawl_runs.health``::

    {"pages": 300, "templates": {"drupal-2016": 300},
     "fields": {"title": {"selector": 300}, "body": {"selector": 290, "generic": 10}, ...},
     "fallback_templates": {"body": {"drupal-2016": 10}}}
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

SITE_SOURCE: Final = "selector"
MISSING: Final = "missing"
FIELDS: Final = {
    "title": "title", "date": "", "published": "published", "period": "period",
    "category": "category", "trend_status": "trend_status", "author": "author",
    "image_url": "image_url", "image_credit": "image_credit", "lead": "lead_html", "body": "body_html",
}
"""Field name shown -> key of ``field_sources`` (archiver.pages); ``date`` has no key of its own:
it is the stated time (``published``) or the week (``period``), whichever came from the better
source (the site's selectors first), since an article needs one of the two."""
REQUIRED: Final = ("title", "date", "body")
"""The fields without which a page is not an article (see archiver.article.reject_reasons)."""
DEFAULT_THRESHOLD: Final = 0.9
"""``archiver check`` fails below this share of a required field from the site's selectors."""


@dataclass(slots=True)
class RunHealth:
    """The tally of one run (see the module docstring)."""

    pages: int = 0
    templates: Counter[str] = field(default_factory=Counter)
    fields: dict[str, Counter[str]] = field(default_factory=dict)
    fallback_templates: dict[str, Counter[str]] = field(default_factory=dict)
    """Field -> template -> pages whose field did not come from the site's selectors."""

    def add(self, template: str, sources: Mapping[str, str]) -> None:
        """Count one parsed article page of ``template`` with its ``field_sources``."""
        self.pages += 1
        self.templates[template] += 1
        for shown, key in FIELDS.items():
            source = _date_source(sources) if shown == "date" else sources.get(key, MISSING)
            self.fields.setdefault(shown, Counter())[source] += 1
            if source != SITE_SOURCE:
                self.fallback_templates.setdefault(shown, Counter())[template] += 1

    def share(self, name: str, source: str = SITE_SOURCE) -> float:
        """The share (0..1) of pages whose field ``name`` came from ``source``; 1.0 with no pages."""
        if not self.pages:
            return 1.0
        return self.fields.get(name, Counter())[source] / self.pages

    def to_json(self) -> str:
        """As stored in ``crawl_runs.health``."""
        return json.dumps(
            {
                "pages": self.pages,
                "templates": dict(self.templates),
                "fields": {k: dict(v) for k, v in self.fields.items()},
                "fallback_templates": {k: dict(v) for k, v in self.fallback_templates.items()},
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> RunHealth:
        """Read ``crawl_runs.health`` (None or malformed JSON: an empty tally)."""
        try:
            data: Any = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        return cls(
            pages=int(data.get("pages", 0)),
            templates=Counter(data.get("templates", {})),
            fields={k: Counter(v) for k, v in data.get("fields", {}).items()},
            fallback_templates={k: Counter(v) for k, v in data.get("fallback_templates", {}).items()},
        )


def describe(health: RunHealth) -> list[str]:
    """One line per field: the share from the site's selectors, from fallbacks and missing."""
    lines = []
    for name in FIELDS:
        site = health.share(name)
        missing = health.share(name, MISSING)
        fallbacks = max(0.0, 1.0 - site - missing)
        sources = ", ".join(
            f"{source} {count}" for source, count in health.fields.get(name, Counter()).most_common()
        )
        required = " (required)" if name in REQUIRED else ""
        lines.append(
            f"{name}{required}: {site:.0%} site selectors, {fallbacks:.0%} fallbacks, "
            f"{missing:.0%} missing [{sources}]"
        )
    return lines


def problems(health: RunHealth, threshold: float = DEFAULT_THRESHOLD) -> list[str]:
    """A sentence per required field whose share from the site's selectors is below ``threshold``,
    naming the templates of the pages that fell back."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    out = []
    for name in REQUIRED:
        share = health.share(name)
        if health.pages and share < threshold:
            templates = ", ".join(
                f"{template} ({count} pages)"
                for template, count in health.fallback_templates.get(name, Counter()).most_common()
            )
            out.append(
                f"{name}: {share:.0%} from the site's selectors in {health.pages} pages "
                f"(threshold {threshold:.0%}); fell back or missing on template {templates}"
            )
    return out


def _date_source(sources: Mapping[str, str]) -> str:
    """The source of the page's date: the stated time's or the week's, the site's selectors first."""
    found = [sources[key] for key in ("published", "period") if key in sources]
    if SITE_SOURCE in found:
        return SITE_SOURCE
    return found[0] if found else MISSING
