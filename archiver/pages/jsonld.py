"""JSON-LD on a page: the objects of one ``<script type="application/ld+json">`` text.

One walker for every reader of JSON-LD (the article object of ``pages.belarusinfocus``, the
dates of ``pages.dates``, the image credits of ``pages.credits`` through them), so that all see
the objects in the same order.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator

__all__ = ["jsonld_objects"]


def jsonld_objects(raw: str) -> Iterator[dict[str, object]]:
    """The JSON objects of the JSON-LD text ``raw``, in document order, breadth first: the
    top-level object (or each object of a top-level list, in order), then the objects of their
    ``@graph`` lists. Invalid JSON yields nothing."""
    try:
        data = json.loads(raw)
    except ValueError:  # json.JSONDecodeError, or a lone surrogate the decoder refuses
        return
    queue: deque[object] = deque([data])
    while queue:
        item = queue.popleft()
        if isinstance(item, list):
            queue.extend(item)
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                queue.extend(graph)
