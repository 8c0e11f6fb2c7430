"""The SQLite archive (being split into modules by job: see archiver/store/schema.py)."""

from archiver.store.schema import *  # noqa: F403
from archiver.store.schema import _hash_values, _writable  # noqa: F401
