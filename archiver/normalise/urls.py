"""URLs: one canonical form per address.

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from typing import TYPE_CHECKING, Final
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    pass


# --------------------------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------------------------

_TRACKING_PARAMS: Final = frozenset({"fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "_ga"})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def _is_tracking(param: str) -> bool:
    key = unquote_plus(param.partition("=")[0]).lower()
    return key.startswith("utm_") or key in _TRACKING_PARAMS


def canonical_url(url: str) -> str:
    """The canonical form of an absolute URL; the input stripped when it cannot be parsed.

    w3lib's ``canonicalize_url`` (sorted query, normalised escapes, no fragment), then: tracking
    parameters (``utm_*``, fbclid, gclid, yclid, mc_cid, mc_eid, _ga) removed, host lower-cased,
    default port removed, trailing slashes removed from a non-root path. Idempotent.
    """
    stripped = url.strip()
    if not stripped:
        return ""
    try:
        parts = urlsplit(canonicalize_url(stripped, keep_fragments=False))
        netloc = parts.netloc
        if parts.hostname is not None:
            userinfo, at, hostport = netloc.rpartition("@")
            hostport = hostport.lower()
            port = parts.port
            if port is not None and _DEFAULT_PORTS.get(parts.scheme) == port:
                hostport = hostport[: hostport.rindex(":")]
            netloc = f"{userinfo}{at}{hostport}"
        query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
        path = parts.path
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        return urlunsplit((parts.scheme, netloc, path, query, ""))
    except ValueError:
        return stripped
