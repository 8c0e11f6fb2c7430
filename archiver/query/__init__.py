"""The query side, over ``archiver.store``: exports (CSV, JSON Lines, WARC), the charts of
``archiver stats --plot``, ``archiver serve`` (Datasette, read-only) and its metadata and plugin.

Search, stats and the readers themselves are the store's (``archiver.store.queries``,
``archiver.store.reports``): only the store speaks SQL. Each module is imported on its own (the
package imports none of them), so that the CLI's other commands never load Datasette or warcio.
"""
