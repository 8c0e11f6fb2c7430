"""A Datasette plugin that ``archiver serve`` registers: links from the reader's list to articles.

``articles_list`` is a view, so Datasette links none of its rows; this renders its ``id`` as a
link to the article's own row page (``/DATABASE/articles/ID``: the whole text, every column) and
its ``title`` as a link to the same page. Imported only when Datasette is installed.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup

LINKED_VIEWS = frozenset({"articles_list"})
"""The views whose ``id`` and ``title`` columns link to the article's row page."""


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(  # noqa: PLR0917 (pluggy passes the hook's arguments by position)
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    """A link to ``articles/ID`` for the ``id`` and ``title`` cells of the linked views."""
    if table not in LINKED_VIEWS or column not in ("id", "title") or value is None:
        return None
    try:
        article_id = int(row["id"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    href = datasette.urls.row(database, "articles", str(article_id))
    return Markup('<a href="{}">{}</a>').format(href, str(value))  # format escapes both
