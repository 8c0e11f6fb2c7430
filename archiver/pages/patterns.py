"""Text patterns of the site's pages: what the fallbacks read when no template's markup matches.

Each pattern is one line of a page's text in reading order (../shared/site/README.md, "An article
page, WordPress era"): the period line, the trend's name, the title, the status sentence, the
title again, the caption with its credit label, the byline, the body, then the newsletter block
and the "Situation in Belarus" sidebar. The patterns extract raw strings only; parsing them is
archiver.normalise's job (``parse_period``, ``trend_status``, ``clean_author``, ...).
"""

from __future__ import annotations

import re
from typing import Final

from archiver.normalise import split_caption_credit
from archiver.pages.site import trend_key

MONTHS_EN: Final = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
MONTHS_BE: Final = (
    # nominative (seen: Жнівень) and genitive (``9 траўня``)
    "Студзень|Люты|Сакавік|Красавік|Травень|Чэрвень|Ліпень|Жнівень|Верасень|Кастрычнік|Лістапад"
    "|Снежань|студзеня|лютага|сакавіка|красавіка|траўня|чэрвеня|ліпеня|жніўня|верасня|кастрычніка"
    "|лістапада|снежня"
)
MONTHS_RU: Final = (
    "Январь|Февраль|Март|Апрель|Май|Июнь|Июль|Август|Сентябрь|Октябрь|Ноябрь|Декабрь"
    "|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
_MONTH: Final = f"(?:{MONTHS_EN}|{MONTHS_BE}|{MONTHS_RU})"
_DAY: Final = r"\d{1,2}"
_DASH: Final = r"\s*[–—−-]\s*"
PERIOD_LINE: Final = re.compile(
    rf"(?:{_MONTH}\s+{_DAY}|{_DAY}\s+{_MONTH}){_DASH}(?:{_MONTH}\s+{_DAY}|{_DAY}\s+{_MONTH})"
    rf"(?:,?\s+\d{{4}})?",
    re.IGNORECASE,
)
"""A monitored week as shown: ``May 15 – May 21, 2023``, ``September 30 – October 6, 2024``,
``Жнівень 9 – Жнівень 15, 2021``; the year is optional (listings and the sidebar omit it)."""

STATUS_SENTENCE: Final = re.compile(
    r"(?:[-–•]\s*)?\(?(?:"
    r"The situation (?:has )?(?:gotten|got|become|became|grown|grew) (?:better|worse)"
    r"|The situation (?:has )?(?:improved|worsened|deteriorated)"
    r"|The situation (?:has not|hasn't|did not|didn't) change(?:d)?|The situation (?:is|remains) unchanged"
    r"|Сітуацыя (?:палепшылася|пагоршылася|не змянілася)"
    r"|Ситуация (?:улучшилась|ухудшилась|не изменилась)"
    r")[.!]?\)?",
    re.IGNORECASE,
)
"""A status sentence: en ``The situation has gotten better`` / ``got worse`` / ``has not
changed`` (seen); be ``Сітуацыя пагоршылася`` (seen), the other be and ru wordings (guess); the
Drupal era's ``- (The situation has improved)`` (seen). Matched against a whole line only."""
STATUS_MAX_CHARS: Final = 70

CREDIT_LABEL: Final = re.compile(
    r"(?:^|(?<=[\s.,;:(\[]))(?:Фота|Фото|Photo|Photos|Image|Images|Picture|карикатура|Карыкатура"
    r"|Ілюстрацыя|Иллюстрация|Source|Credits?|Крыніца|Источник)\s*:",
    re.IGNORECASE,
)
"""A credit label: ``Фота:``, ``Фото:``, ``Photo:``/``photo:``, ``Image:``, ``карикатура:``
(each seen), a few more of the same kind."""
CAPTION_CREDIT: Final = re.compile(
    rf"(?:.{{0,300}}?)(?:{CREDIT_LABEL.pattern}[^\n]{{0,80}}|(?:^|(?<=\s))Image from\s+\S{{1,120}})",
    re.IGNORECASE,
)
"""A caption line ending in its credit (``… 9 траўня 2023 года. Фота: president.gov.by``,
``Фота:`` with the credit empty, Drupal's ``Image from https://…``): the credit part is short, so a
body sentence that says ``the source: …`` at length is not taken."""
CAPTION_MAX_CHARS: Final = 400

CREDIT_MARK: Final = re.compile(
    r"\s*(?:©|\(c\)|(?:Photos?|Photograph|Images?|Pictures?|Source|Credits?|Courtesy|Copyright"
    r"|Фота|Фото|Крыніца|Источник|Карикатура|Карыкатура|Ілюстрацыя|Иллюстрация)"
    r"(?:\s*:|\s*[–—]|\s+-|\s+by\s))",
    re.IGNORECASE,
)
"""The start of a line that is a credit alone, by a label and a separator other than the colon
too: ``Source — AP``, ``PHOTO - Reuters``, ``© BelTA``, ``Credit: TUT.BY`` (the Drupal era's
credit lines, seen again on re-published pages)."""
CREDIT_LINE_MAX_CHARS: Final = 120

BYLINE: Final = re.compile(
    r"(?:By|Аўтар:?|Автор:?)\s+[A-ZА-ЯЁІЎ][\w'’.-]*(?:\s+[A-ZА-ЯЁІЎ][\w'’.-]*){0,3}"
)
"""A byline line: ``By Zmicier Kuchlej`` (seen); ``Аўтар: …``/``Автор: …`` (guess). Whole-line
match of capitalised words: ``By 2025, the economy …`` is no byline."""

BYLINE_MAX_CHARS: Final = 80
PERIOD_MAX_CHARS: Final = 70
TREND_MAX_CHARS: Final = 60

LONE_BY: Final = re.compile(r"by|па|от", re.IGNORECASE)
"""The lone ``by`` above the period line (meaning unknown)."""

BOILERPLATE_START: Final = re.compile(
    r"You have been successfully subscribed|Subscribe to our newsletter|Once a week, in coordination"
    r"|Situation in Belarus|Similar articles|Recent trends"
    r"|Вы паспяхова падпісаліся|Падпішыцеся на нашу рассылку|Раз на тыдзень|Вы успешно подписались"
    r"|Подпишитесь на нашу рассылку|Сітуацыя ў Беларусі|Ситуация в Беларуси",
    re.IGNORECASE,
)
"""The first line of a block after the article (newsletter, sidebar, Drupal's similar articles):
the article's text ends before it. The Belarusian and Russian wordings are guesses."""
BOILERPLATE_LINE: Final = re.compile(
    r"(?:You have been successfully subscribed|Subscribe to our newsletter|Once a week, in "
    r"coordination with.*|EN|BE/RU|BE|RU|Subscribe|Situation in Belarus|View all|Subscribe to us"
    r"|Read more|All trends|Category status:?|Усе трэнды|Глядзець усе|Падпісвайцеся на нас|Чытаць далей"
    r"|Падпісацца)[.!]?",
    re.IGNORECASE,
)
"""A whole line of page furniture, wherever it stands."""


PERIOD_IN_LINE: Final = re.compile(rf"(?:(?:by|па|от)\s+)?({PERIOD_LINE.pattern})", re.IGNORECASE)
"""A line that is a week, perhaps after the lone ``by`` (when markup puts both on one line)."""


def period_of(line: str) -> str | None:
    """The week that the whole ``line`` shows (with or without a year, after a lone ``by``), as
    shown; None when the line is something else."""
    match = PERIOD_IN_LINE.fullmatch(line.strip())
    return match.group(1) if match else None


def is_period(line: str) -> bool:
    """Whether the whole ``line`` is a monitored week (see ``period_of``)."""
    text = line.strip()
    return 9 <= len(text) <= PERIOD_MAX_CHARS and _has_dash(text) and period_of(text) is not None


def _has_dash(text: str) -> bool:
    return "–" in text or "—" in text or "-" in text or "−" in text


def is_status(line: str) -> bool:
    """Whether the whole ``line`` is a status sentence (short, starts ``The situation`` ...)."""
    text = line.strip()
    return 10 <= len(text) <= STATUS_MAX_CHARS and STATUS_SENTENCE.fullmatch(text) is not None


def is_caption_credit(line: str) -> bool:
    """Whether ``line`` is a caption with a credit label (``… Фота: president.gov.by``) or a
    credit line alone (``is_credit_line``)."""
    text = line.strip()
    if is_credit_line(text):
        return True
    if len(text) > CAPTION_MAX_CHARS or (":" not in text and "Image from" not in text):
        return False
    return CAPTION_CREDIT.fullmatch(text) is not None


def is_credit_line(line: str) -> bool:
    """Whether the whole ``line`` is an image credit by itself: short, led by a label and its
    separator (``Source — AP``, ``PHOTO - Reuters``, ``© BelTA``, ``Credit: TUT.BY``), and all
    credit by ``archiver.normalise.split_caption_credit`` (``Source: the IMF says …`` is text)."""
    text = line.strip()
    if len(text) > CREDIT_LINE_MAX_CHARS or CREDIT_MARK.match(text) is None:
        return False
    caption, credit = split_caption_credit(text)
    return caption is None and credit is not None


def is_byline(line: str) -> bool:
    """Whether the whole ``line`` is a byline (``By Zmicier Kuchlej``)."""
    text = line.strip()
    if text[:2] not in ("By", "Аў", "Ав") or len(text) > BYLINE_MAX_CHARS:
        return False
    return BYLINE.fullmatch(text) is not None


def is_trend_name(line: str) -> bool:
    """Whether the whole ``line`` is a trend's name in any language (``Кіруючы клас``)."""
    text = line.strip()
    return 0 < len(text) <= TREND_MAX_CHARS and trend_key(text) is not None


def is_furniture(line: str, title: str | None = None) -> bool:
    """Whether ``line`` is page furniture, not article text: the period, the status sentence, a
    trend name, a caption with credit, a byline, a lone ``by``, the newsletter and sidebar lines,
    or the title repeated."""
    text = line.strip()
    return bool(
        not text
        or (title and text == title)
        or is_period(text)
        or is_status(text)
        or is_byline(text)
        or is_caption_credit(text)
        or LONE_BY.fullmatch(text)
        or BOILERPLATE_LINE.fullmatch(text)
        or is_trend_name(text)
    )
