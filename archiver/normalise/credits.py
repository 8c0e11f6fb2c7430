"""Image credits: the caption and the credit of a caption line apart; the credit's sources.

Pure, total and deterministic, as the whole of ``archiver.normalise``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final
from urllib.parse import urlsplit

from archiver.normalise.text import _CONTROL_RE, _decode_markup, _fixpoint, collapse_ws

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

#: Words that label a credit, in the languages of the site and of the wider press.
_LABEL_WORDS: Final = (
    r"(?:(?:photo|image|picture|foto|bild)\s+(?:credits?|courtesy)|cr[eé]dits?(?:\s+photo)?|"
    r"photos?|photograph(?:y|s)?|pictures?|pics?|images?|source|sources|courtesy|copyright|"
    r"fotos?|fotograf[ií]a|fotografie|bild(?:er)?|quelle|zdj[eę]ci[ea]|cr[eé]dito?s?|"
    r"illustration|ilustraci[oó]n|collage|"
    r"фото|фота|фотография|фатаграфія|источник|крыніца|карикатура|карыкатура|"
    r"иллюстрация|ілюстрацыя|коллаж|калаж)"
)
#: A label with a separator after it (``Photo:``, ``Фото -``, ``Photo by``, ``Image from
#: <url>``, ``Fot.``), or © / (c), which need none: the credit follows it.
_STRONG_LABEL_RE: Final = re.compile(
    rf"(?<!\w)(?:{_LABEL_WORDS}(?:\s*:|\s*[\u2013\u2014]|\s+-|\s+by(?=\s)|\s+from(?=\s+\S*\.\w))"
    r"|fot\.(?=\s)|©|\(c\))"
    r"(?:\s*[:\-\u2013\u2014])?\s*(?:by\s+)?",
    re.IGNORECASE,
)
#: A label at the very start, with or without a separator (``Photo by AP``, ``Photo BelTA``);
#: not the first word of an agency's name (``Picture Alliance``).
_LEADING_LABEL_RE: Final = re.compile(
    rf"^(?!picture[\s-]+alliance)(?:{_LABEL_WORDS}(?=\s|$|[:\-\u2013\u2014])|fot\.|©|\(c\))"
    r"(?:\s*[:\-\u2013\u2014])?\s*(?:(?:by|from)\s+)?",
    re.IGNORECASE,
)
_LABEL_ONLY_RE: Final = re.compile(rf"^(?:{_LABEL_WORDS}|fot\.)$", re.IGNORECASE)
#: Picture agencies and other usual sources: their name in a caption's tail marks a credit.
#: Short upper-case names must be written in capitals.
_AGENCY_RE: Final = re.compile(
    r"(?<!\w)(?:(?i:reuters|getty(?:\s+images)?|picture[\s-]+alliance|imago|shutterstock|istock(?:photo)?|"
    r"associated\s+press|press\s+association|bloomberg|sputnik|ria\s+novosti|xinhua|anadolu|"
    r"belta|белта|tut\.by|тасс|риа\s+новости|sputnik|alamy|depositphotos|unsplash|pixabay|"
    r"wikimedia(?:\s+commons)?|wikipedia|ritzau|scanpix|keystone|zuma(?:\s+press)?|sipa|abaca|"
    r"kyodo|yonhap|belsat|euroradio|deutsche\s+welle|svaboda|radio\s+liberty|kommersant|"
    r"коммерсантъ|наша\s+ніва|nasha\s+niva|envato|flickr|pool|handout)"
    r"|AP|AFP|EPA|EFE|DPA|dpa|PA|TASS|ANSA|APA|NTB|TT|DW|RFE/RL|UPI|AA|ТАСС|РИА)(?!\w)"
)
_URL_RE: Final = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_DOMAIN_RE: Final = re.compile(r"(?<![\w@])[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}(?:/\S*)?(?!\w)", re.IGNORECASE)
#: Hosts where the account in the path is the source (``twitter.com/S_vivat``).
_ACCOUNT_HOSTS: Final = frozenset({
    "twitter.com", "x.com", "facebook.com", "instagram.com", "t.me", "vk.com", "youtube.com",
    "flickr.com", "telegram.me", "tiktok.com", "ok.ru",
})  # fmt: skip
#: Between the sources of one credit. A slash does not separate (``Sergei Grits / AP``: the
#: photographer and the agency are one credit).
_SOURCE_SEP_RE: Final = re.compile(r"\s*[,;]\s*|\s+\|\s+|\s+(?:and|и|і)\s+", re.IGNORECASE)
_EDGE_PUNCT: Final = " .,;:!?|/\\-\u2013\u2014\u2026()[]"
_CAPTION_EDGE: Final = " ,;:|/\\-\u2013\u2014([\u00a9"
#: Lower-case words that stand inside names of sources.
_PARTICLES: Final = frozenset({
    "and", "&", "via", "for", "of", "by", "von", "van", "der", "den", "de", "del", "della", "da",
    "di", "du", "la", "le", "y", "e", "und", "et", "og", "och", "ja", "al", "bin", "и", "і", "ды",
    "photo", "foto",
    "image", "images", "pool", "staff", "archive", "archiv", "handout", "/", "-", "\u2013",
})  # fmt: skip
#: Lower-case words of running text that a credit never holds.
_CAPTION_WORDS: Final = frozenset({
    "in", "at", "on", "the", "a", "an", "is", "are", "was", "were", "during", "with", "after",
    "near", "his", "her", "their", "в", "на", "у", "ў", "во", "время", "падчас", "после", "пасля",
})  # fmt: skip
_SENTENCE_RE: Final = re.compile(r"[^\W\d_]{3,}[.!?\u2026]\s+\S")
_MAX_CREDIT_WORDS: Final = 15
#: From this many words on, one lower-case word of running text makes a caption.
_LONG_WORDS: Final = 7
#: A colon followed by three words or more: a title or a sentence (``Strava: Leaderboard …``).
_COLON_TEXT_RE: Final = re.compile(r"[^\W\d_]{2,}:\s+\S+\s+\S+\s+\S")
_CJK_RE: Final = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Characters of CJK running text after which a short credit may follow (``…警察官ら＝ＡＰ``).
_CJK_CREDIT_SEP_RE: Final = re.compile(r"\s*[\uff1d=]\s*(?=[^\uff1d=]{1,30}$)")
#: Up to two capitalised words and a slash (``Stefan Rousseau/via ``) before an agency's name.
_NAME_SLASH_RE: Final = re.compile(
    r"(?:[A-ZÀ-ÞА-ЯЁІЎ][\w.\-'’]*\s+)?[A-ZÀ-ÞА-ЯЁІЎ][\w.\-'’]*\s*/\s*(?:via\s+)?$"
)


# --------------------------------------------------------------------------------------------
# Caption or credit
# --------------------------------------------------------------------------------------------


def _is_caption_like(text: str) -> bool:  # noqa: PLR0911
    """Whether ``text`` reads as running text (a caption), not as a list of sources."""
    if _SENTENCE_RE.search(text) or _COLON_TEXT_RE.search(text):
        return True
    if len(_CJK_RE.findall(text)) > _MAX_CREDIT_WORDS:
        return True
    named = _AGENCY_RE.sub("Agency", _DOMAIN_RE.sub("Host", text))
    words = [w for w in named.split() if any(c.isalnum() for c in w)]
    if len(words) > _MAX_CREDIT_WORDS:
        return True
    if len(words) < 3:
        return False
    lowered = [w.strip(".,;:!?()\"'").lower() for w in words]
    if any(w in _CAPTION_WORDS for w, orig in zip(lowered, words, strict=True) if orig[:1].islower()):
        return True
    lower = [w for w, orig in zip(lowered, words, strict=True) if orig[:1].islower() and w not in _PARTICLES]
    if lower and len(words) >= _LONG_WORDS:
        return True
    return len(lower) * 2 > len(words) or (bool(lower) and text.rstrip(" \"'”»)").endswith("."))


def _is_name_like(text: str) -> bool:
    """Whether every word of ``text`` is capitalised, a particle, or holds a capital or digit."""
    for word in text.split():
        bare = word.strip(".,;:!?()\"'")
        if bare[:1].islower() and bare.lower() not in _PARTICLES and bare.lower() == bare:
            return False
    return True


def _agency_tail(text: str) -> int | None:
    """Where a credit naming an agency starts at the end of a caption (``… Madrid EFE/ J.J.
    Guillén``, ``… in Washington Stefan Rousseau/via Reuters``), or None."""
    for match in _AGENCY_RE.finditer(text):
        start = match.start()
        if start == 0 or (not text[start - 1].isspace() and text[start - 1] != "/"):
            continue
        if name := _NAME_SLASH_RE.search(text, 0, start):
            start = name.start()
        tail, head = text[start:], text[:start]
        if _is_caption_like(head) and _is_name_like(tail) and _is_credit_like(tail):
            return start
    return None


def _has_evidence(text: str) -> bool:
    """An agency's name, a web address or a label: the text names a source."""
    return bool(_AGENCY_RE.search(text) or _DOMAIN_RE.search(text) or _STRONG_LABEL_RE.search(text))


def _is_credit_like(text: str) -> bool:
    parts = [part for part in text.split(";") if part.strip()]
    return bool(parts) and not any(_is_caption_like(part) for part in parts)


def _caption(text: str) -> str | None:
    caption = text.rstrip(_CAPTION_EDGE).strip()
    if not caption or _LABEL_ONLY_RE.match(caption):
        return None
    return caption


def _split(text: str) -> tuple[str | None, str | None]:  # noqa: PLR0911
    """(caption, credit) of a prepared line; either None when absent."""
    if match := _STRONG_LABEL_RE.search(text):
        return _caption(text[: match.start()]), text[match.start() :].strip() or None
    if match := re.search(r"\(([^()]{1,100})\)[\s.]*$", text):  # "Minsk (AP Photo/S. Grits)"
        inner = match.group(1).strip()
        if _has_evidence(inner) and _is_credit_like(inner):
            return _caption(text[: match.start()]), inner
    if (match := _CJK_CREDIT_SEP_RE.search(text)) and _CJK_RE.search(text[: match.start()]):
        return _caption(text[: match.start()]), text[match.end() :]  # "…警察官ら＝ＡＰ"
    if _is_credit_like(text):
        return None, text
    sentences = re.split(r"(?<=[.!?\u2026])\s+", text)
    if len(sentences) > 1:  # "Lukashenka in Minsk. REUTERS/Vasily Fedosenko"
        tail = sentences[-1]
        if _has_evidence(tail) and _is_credit_like(tail):
            return _caption(text[: len(text) - len(tail)]), tail
    for match in re.finditer(r"\s+/\s+", text):  # "Protesters in Minsk / AP"
        head, tail = text[: match.start()], text[match.end() :]
        if _is_caption_like(head) and tail and _is_credit_like(tail):
            return _caption(head), tail
    if (start := _agency_tail(text)) is not None:
        return _caption(text[:start]), text[start:]
    return _caption(text), None


def _prepare(raw: str) -> str:
    return unicodedata.normalize("NFC", collapse_ws(_decode_markup(_CONTROL_RE.sub("", raw))))


def split_caption_credit(raw: str | None) -> tuple[str | None, str | None]:
    """(caption, credit) of an image's caption line as shown; either None when absent.

    The credit part keeps its label (``Фота: president.gov.by``), for ``clean_credit``; the
    caption keeps its own punctuation (``Снимок носит иллюстративный характер.``) without the
    separators before the credit. Markup and entities are decoded, whitespace collapsed, NFC.
    The credit starts at the first label followed by a colon or dash (or ``by``): Photo(s),
    Image(s), Picture, Photograph, Source, Credit(s), Courtesy, Copyright, Foto(s), Bild, Quelle,
    Zdjęcie, Fot., Crédit(s), Crédito, Illustration, Collage, Фото, Фота, Источник, Крыніца,
    карикатура/карыкатура, иллюстрация/ілюстрацыя, коллаж/калаж, any case; or at © / (c).
    Without a label: a line that reads as a list of sources (no running text) is all credit;
    else a tail that names a source (a picture agency such as Reuters, AP, AFP, EPA, dpa, Getty
    Images, Picture Alliance, imago, TASS, BelTA, TUT.BY, Shutterstock, or a web address) after
    `` / ``, in parentheses, as the last sentence, glued to the caption's end (``… Madrid EFE/
    J.J. Guillén``) or after a Japanese ``＝`` is the credit. A plain caption
    (``Снимок носит иллюстративный характер.``) has no credit; a label with nothing after it
    (``… Фота:``) gives the credit None.
    """
    if not isinstance(raw, str):
        return None, None
    text = _prepare(raw)
    if not text:
        return None, None
    caption, credit = _split(text)
    if credit is not None and clean_credit(credit) is None:
        credit = None
    return caption, credit


# --------------------------------------------------------------------------------------------
# The credit's sources
# --------------------------------------------------------------------------------------------


def _url_host(match: re.Match[str]) -> str:
    url = match.group(0).rstrip(".,;:)\u2026")
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return match.group(0)
    host = host.lower().removeprefix("www.")
    if not host:
        return match.group(0)
    if host in _ACCOUNT_HOSTS:
        account = parts.path.strip("/").split("/")[0]
        if account:
            return f"{host}/{account}"
    return host


def _credit_part(part: str) -> str:
    """One source: the text after its last label, edges trimmed; empty if it is running text."""
    label_ends = [match.end() for match in _STRONG_LABEL_RE.finditer(part)]
    if label_ends:
        part = part[label_ends[-1] :]
    while True:
        part = part.strip(_EDGE_PUNCT)
        stripped = _LEADING_LABEL_RE.sub("", part, count=1)
        if stripped == part:
            break
        part = stripped
    if part.count("(") > part.count(")"):
        part += ")"  # "Winger (Nettavisen)": the closing parenthesis is the name's
    return "" if _is_caption_like(part) else part


def _clean_credit_once(raw: str) -> str:
    text = _prepare(raw)
    text = unicodedata.normalize("NFC", _URL_RE.sub(_url_host, text))
    _caption_part, credit = _split(text)
    if not credit:
        return ""
    if match := _STRONG_LABEL_RE.match(credit):
        credit = credit[match.end() :]
    parts: list[str] = []
    for piece in _SOURCE_SEP_RE.split(credit):
        part = _credit_part(piece)
        if part and part not in parts:
            parts.append(part)
    return "; ".join(parts)


def clean_credit(raw: str) -> str | None:
    """An image credit without its label or caption, several sources joined with ``; ``; or None.

    ``Image: TUT.BY`` -> ``TUT.BY``; ``Lukashenka in Minsk. Photo: BelTA`` -> ``BelTA`` (the
    caption and credit are told apart by ``split_caption_credit``); ``Photo: Reuters, AFP`` (also
    ``and``, ``и``, ``і``) -> ``Reuters; AFP``; ``Sergei Grits / AP`` stays one credit
    (photographer and agency); a URL -> its host without ``www.`` (``twitter.com/S_vivat`` for
    social networks, where the account is the source). Entities are decoded, whitespace
    collapsed, edge punctuation trimmed, a repeated source kept once. None for a plain caption,
    a label with nothing after it, or nothing. Idempotent.
    """
    if not isinstance(raw, str):
        return None
    cleaned = _fixpoint(_clean_credit_once, raw)
    return cleaned or None


# --------------------------------------------------------------------------------------------
# One canonical source per credit
# --------------------------------------------------------------------------------------------

#: Known sources by their case-folded spellings (a name, or a domain without ``www.`` and,
#: where the name before the TLD names the agency, without the TLD): their canonical spelling.
KNOWN_SOURCES: Final = {
    "tut.by": "TUT.BY", "reuters": "Reuters", "ap": "AP",
    "associated press": "AP", "apnews": "AP", "afp": "AFP", "epa": "EPA", "dpa": "dpa",
    "belta": "BelTA", "белта": "BelTA", "getty": "Getty Images", "getty images": "Getty Images",
    "gettyimages": "Getty Images", "sputnik": "Sputnik", "ria novosti": "RIA Novosti",
    "риа новости": "RIA Novosti", "tass": "TASS", "тасс": "TASS",
    "xinhua": "Xinhua", "bloomberg": "Bloomberg", "shutterstock": "Shutterstock",
    "euroradio": "Euroradio", "belsat": "Belsat", "nasha niva": "Nasha Niva",
    "наша ніва": "Nasha Niva", "svaboda": "Radio Svaboda", "radio svaboda": "Radio Svaboda",
    "radio liberty": "RFE/RL", "rfe/rl": "RFE/RL", "rferl": "RFE/RL", "dw": "DW",
    "deutsche welle": "DW", "kommersant": "Kommersant", "коммерсантъ": "Kommersant",
    "naviny": "naviny.by", "naviny.by": "naviny.by", "onliner": "onliner.by",
    "onliner.by": "onliner.by", "pixabay": "Pixabay", "unsplash": "Unsplash",
    "wikimedia commons": "Wikimedia Commons", "wikimedia": "Wikimedia Commons",
    "wikipedia": "Wikipedia", "imago": "imago", "picture alliance": "picture alliance",
    "picture-alliance": "picture alliance", "envato": "Envato", "elements.envato": "Envato",
}  # fmt: skip
_HOST_RE: Final = re.compile(r"(?:https?://)?(?:www\.)?((?:[\w-]+\.)+[a-z]{2,6})(/\S*)?", re.IGNORECASE)


def credit_source(part: str) -> str:
    """The canonical spelling of one source of a credit (one part of ``image_credit`` split at
    ``;``): a known source (KNOWN_SOURCES) in its spelling whatever its case (``tut.by`` and
    ``TUT.BY``: ``TUT.BY``; ``reuters.com``: ``Reuters``); another domain case-folded without
    ``www.``, a scheme or a path (an account host keeps its path: ``twitter.com/s_vivat``);
    anything else with its whitespace collapsed and edge punctuation trimmed, as written.
    Empty text for an empty part. Pure and total."""
    text = collapse_ws(part).strip(" .,;:|")
    if not text:
        return ""
    key = text.casefold()
    if key in KNOWN_SOURCES:
        return KNOWN_SOURCES[key]
    host_match = _HOST_RE.fullmatch(text)
    if host_match is None:
        return text
    host = host_match[1].casefold()
    path = (host_match[2] or "").rstrip("/")
    if host in _ACCOUNT_HOSTS and path:
        return f"{host}{path.casefold()}"
    for candidate in (host, host.rsplit(".", 1)[0]):
        if candidate in KNOWN_SOURCES:
            return KNOWN_SOURCES[candidate]
    return host
