"""``archiver serve``: Datasette over the archive, read-only, with the archive's metadata.

Datasette opens a database file it was not told is immutable with ``?mode=ro`` connections
(SQLite refuses every write on them), accepts only ``SELECT`` statements in its SQL box, and the
metadata defines no writable canned query: nothing served can change the archive, while a crawl
can keep writing to it (its new rows show on the next request). ``--immutable`` would be wrong
for a file that changes.
"""

from __future__ import annotations

import importlib.util
import signal
import socket
import tempfile
from pathlib import Path
from types import FrameType
from typing import Final

from archiver.query.datasette_meta import database_name, metadata_json

INSTALL_HINT: Final = "pip install -e '.[serve]'"
"""How to install the optional Datasette dependency."""


def datasette_installed() -> bool:
    """Whether the optional ``datasette`` package can be imported."""
    return importlib.util.find_spec("datasette") is not None


TRUNCATE_CELLS: Final = 240
"""Characters of a cell shown on table and query pages (Datasette's ``truncate_cells_html``;
an article's row page shows the whole text)."""


ARTICLE_FIRST: Final = (
    "title", "url", "published_local", "period_raw", "category", "trend", "trend_status",
    "author", "image_credit", "image_caption", "lead", "body",
)
"""The fields an article's own page shows first, in this order (then every other column)."""

ARTICLE_ROW_TEMPLATE: Final = """{%- set first = FIRST -%}
{% for row in display_rows %}
<table class="rows-and-columns article-record">
{% for name in first %}{% for cell in row if cell.column == name %}
<tr><th scope="row" style="text-align: left; vertical-align: top; white-space: nowrap">{{ cell.column }}</th>
<td class="col-{{ cell.column|to_css_class }} type-{{ cell.value_type }}"
    style="white-space: pre-wrap; max-width: 60em">{{ cell.value }}</td></tr>
{% endfor %}{% endfor %}
{% for cell in row if cell.column not in first %}
<tr><th scope="row" style="text-align: left; vertical-align: top; white-space: nowrap">{{ cell.column }}</th>
<td class="col-{{ cell.column|to_css_class }} type-{{ cell.value_type }}">{{ cell.value }}</td></tr>
{% endfor %}
</table>
{% endfor %}
"""
"""Datasette's row template for an article (``_table-row-DATABASE-articles.html``): one field a
line, the reader's fields first, the text with its paragraphs."""


def write_templates(directory: Path, database: str) -> None:
    """Write the archive's Datasette templates into ``directory`` (for ``--template-dir``);
    ``database``: the database's name as Datasette's ``to_css_class`` writes it."""
    names = ", ".join(f'"{name}"' for name in ARTICLE_FIRST)
    (directory / f"_table-row-{database}-articles.html").write_text(
        ARTICLE_ROW_TEMPLATE.replace("FIRST", f"[{names}]"), encoding="utf-8"
    )


def datasette_args(
    db_path: Path, metadata_path: Path, *, host: str, port: int, template_dir: Path | None = None
) -> list[str]:
    """The ``datasette`` command-line arguments that serve ``db_path`` read-only."""
    templates = ["--template-dir", str(template_dir)] if template_dir is not None else []
    return [
        "serve", str(db_path), "--metadata", str(metadata_path), "--host", host, "--port", str(port),
        "--setting", "truncate_cells_html", str(TRUNCATE_CELLS), *templates,
    ]


def register_plugin() -> None:
    """Register ``archiver.query.datasette_plugin`` (links from ``articles_list`` to the articles)
    with Datasette's plugin manager, once."""
    from datasette.plugins import pm

    from archiver.query import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="archiver")


def check_address(host: str, port: int) -> None:
    """Raise OSError when ``host:port`` cannot be listened on (in use, or not this machine's)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        sock.bind((host, port))


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def serve(db_path: Path, *, host: str, port: int) -> None:
    """Run Datasette over the archive at ``db_path`` until SIGINT or SIGTERM.

    Either signal shuts the server down gracefully; this returns then, or raises
    KeyboardInterrupt or click.Abort when the signal came before the server started. A Datasette
    usage error is a click.ClickException; a port in use, SystemExit(1).
    """
    from datasette.cli import cli as datasette_cli
    from datasette.utils import to_css_class

    register_plugin()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with tempfile.TemporaryDirectory(prefix="archiver-serve-") as tmp:
            meta = Path(tmp) / "metadata.json"
            meta.write_text(metadata_json(database_name(db_path)), encoding="utf-8")
            templates = Path(tmp) / "templates"
            templates.mkdir()
            write_templates(templates, to_css_class(database_name(db_path)))
            datasette_cli.main(
                args=datasette_args(db_path, meta, host=host, port=port, template_dir=templates),
                prog_name="datasette",
                standalone_mode=False,
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
