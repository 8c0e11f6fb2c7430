"""archiver.normalise: golden tables (tests/fixtures/normalise/*.json) and hypothesis properties."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.normalise import (
    body_text,
    canonical_url,
    clean_author,
    clean_credit,
    clean_title,
    collapse_ws,
    format_period,
    parse_period,
    parse_published,
    parse_stated,
    split_caption_credit,
    strip_lead,
    text_fingerprint,
    to_local_iso,
    to_utc_iso,
    trend_status,
    word_count,
)

FIXTURES = Path(__file__).parent / "fixtures" / "normalise"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)


def table(name: str) -> dict[str, Any]:
    with (FIXTURES / f"{name}.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def cases(name: str, *fields: str) -> list[Any]:
    """The rows of a golden table as pytest params, each with its note (or input) as id."""
    rows = table(name)["cases"]
    return [
        pytest.param(*(row.get(field) for field in fields), id=row.get("note") or repr(row[fields[0]]))
        for row in rows
    ]


# --- golden tables ---------------------------------------------------------------------------


def test_published_table_uses_the_frozen_now() -> None:
    assert table("published")["now"] == to_utc_iso(NOW)
    assert len(table("published")["cases"]) >= 60


@pytest.mark.parametrize(("raw", "tz", "expected"), cases("published", "raw", "tz", "expected"))
def test_parse_published(raw: str, tz: str | None, expected: str | None) -> None:
    result = parse_published(raw, now=NOW, tz=tz or "Europe/Minsk")
    assert (None if result is None else to_utc_iso(result)) == expected
    if result is not None:
        assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("raw", "context", "expected"), cases("periods", "raw", "context", "expected"))
def test_parse_period(raw: str, context: str | None, expected: list[str] | None) -> None:
    result = parse_period(raw, context=date.fromisoformat(context) if context else None)
    assert (None if result is None else [result[0].isoformat(), result[1].isoformat()]) == expected


def test_stated_table_uses_the_frozen_now() -> None:
    assert table("stated")["now"] == to_utc_iso(NOW)


@pytest.mark.parametrize(
    ("raw", "instant", "day", "precision"), cases("stated", "raw", "instant", "day", "precision")
)
def test_parse_stated(raw: str, instant: str | None, day: str | None, precision: str | None) -> None:
    result = parse_stated(raw, now=NOW)
    if day is None:
        assert result is None
        return
    assert result is not None
    assert (None if result.instant is None else to_utc_iso(result.instant)) == instant
    assert result.day.isoformat() == day
    assert result.precision == precision
    assert (result.instant is None) == (precision == "day")


@pytest.mark.parametrize(("raw", "expected"), cases("authors", "raw", "expected"))
def test_clean_author(raw: str | None, expected: str | None) -> None:
    assert clean_author(raw) == expected
    if expected is not None:
        assert clean_author(expected) == expected


@pytest.mark.parametrize(("raw", "caption", "credit"), cases("caption_credit", "raw", "caption", "credit"))
def test_split_caption_credit(raw: str | None, caption: str | None, credit: str | None) -> None:
    assert split_caption_credit(raw) == (caption, credit)


@pytest.mark.parametrize(("text", "expected"), cases("word_count", "text", "expected"))
def test_word_count_table(text: str, expected: int) -> None:
    assert word_count(text) == expected


@pytest.mark.parametrize(("raw", "expected"), cases("titles", "raw", "expected"))
def test_clean_title(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected
    assert clean_title(expected) == expected


@pytest.mark.parametrize(("raw", "expected"), cases("credits", "raw", "expected"))
def test_clean_credit(raw: str, expected: str | None) -> None:
    assert clean_credit(raw) == expected
    if expected is not None:
        assert clean_credit(expected) == expected


@pytest.mark.parametrize(("html", "expected"), cases("body_text", "html", "expected"))
def test_body_text(html: str, expected: str) -> None:
    assert body_text(html) == expected


@pytest.mark.parametrize(("raw", "expected"), cases("canonical_url", "raw", "expected"))
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected
    assert canonical_url(expected) == expected


@pytest.mark.parametrize(("raw", "expected"), cases("trend_status", "raw", "expected"))
def test_trend_status(raw: str | None, expected: str | None) -> None:
    assert trend_status(raw) == expected


@pytest.mark.parametrize(("body", "lead", "expected"), cases("strip_lead", "body", "lead", "expected"))
def test_strip_lead(body: str, lead: str, expected: str) -> None:
    assert strip_lead(body, lead) == expected


@pytest.mark.parametrize(("raw", "expected"), cases("collapse_ws", "raw", "expected"))
def test_collapse_ws(raw: str, expected: str) -> None:
    assert collapse_ws(raw) == expected


@pytest.mark.parametrize(
    ("utc", "tz", "utc_iso", "local_iso"), cases("iso", "utc", "tz", "utc_iso", "local_iso")
)
def test_iso_formats(utc: str, tz: str | None, utc_iso: str, local_iso: str) -> None:
    instant = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    assert to_utc_iso(instant) == utc_iso
    assert to_local_iso(instant, tz or "Europe/Minsk") == local_iso


def test_table_sizes() -> None:
    """The brief's minimum number of golden cases per table."""
    names = ("credits", "titles", "body_text", "canonical_url", "periods", "authors", "trend_status")
    sizes = {name: len(table(name)["cases"]) for name in names}
    assert sizes["periods"] >= 40
    assert sizes["authors"] >= 20
    assert sizes["trend_status"] >= 40
    assert sizes["credits"] >= 60
    assert sizes["titles"] >= 20
    assert sizes["body_text"] >= 15
    assert sizes["canonical_url"] >= 10


def test_word_count() -> None:
    assert word_count("") == 0
    assert word_count("One two\n\nthree - four") == 5  # "-" is a word too
    assert word_count(body_text("<p>One</p><ul><li>two</li></ul>")) == 3  # "-" counts as a word


def test_period_tables_cover_the_three_languages_and_year_ends() -> None:
    raws = " ".join(row["raw"] for row in table("periods")["cases"])
    for word in ("May", "Жнівень", "жніўня", "Май", "мая", "December 26 – January 1"):
        assert word in raws
    assert any(row.get("context") for row in table("periods")["cases"])


def test_format_period_is_the_site_form() -> None:
    assert format_period(date(2023, 5, 15), date(2023, 5, 21)) == "May 15 \u2013 May 21, 2023"
    be = format_period(date(2021, 8, 9), date(2021, 8, 15), lang="be")
    assert be == "Жнівень 9 \u2013 Жнівень 15, 2021"
    assert format_period(date(2023, 5, 15), date(2023, 5, 21), lang="ru") == "Май 15 \u2013 Май 21, 2023"
    with pytest.raises(ValueError, match="language"):
        format_period(date(2023, 5, 15), date(2023, 5, 21), lang="de")  # type: ignore[arg-type]


def test_parse_period_takes_a_datetime_context_by_its_date() -> None:
    assert parse_period("May 15 \u2013 May 21", context=datetime(2023, 5, 22, 23, 0, tzinfo=UTC)) == (
        date(2023, 5, 15),
        date(2023, 5, 21),
    )


def test_parse_stated_keeps_a_date_a_date_and_parse_published_stays_legacy() -> None:
    stated = parse_stated("2024-04-30", now=NOW)
    assert stated is not None
    assert stated.instant is None
    assert stated.day == date(2024, 4, 30)
    assert stated.precision == "day"
    assert parse_published("2024-04-30", now=NOW) == datetime(2024, 4, 29, 21, 0, tzinfo=UTC)


def test_unknown_timezone_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="timezone"):
        parse_published("November 07, 2016 10:41", now=NOW, tz="Mars/Olympus")


def test_naive_now_is_taken_as_utc() -> None:
    result = parse_published("2 hours ago", now=NOW.replace(tzinfo=None))
    assert result == NOW - timedelta(hours=2)


def test_the_site_format_round_trips_local_times() -> None:
    """Every minute the site could show parses back to the instant it stands for."""
    instant = datetime(2009, 1, 1, tzinfo=UTC)
    while instant < datetime(2013, 1, 1, tzinfo=UTC):
        local = to_local_iso(instant)
        shown = datetime.fromisoformat(local).strftime("%B %d, %Y %H:%M")
        assert parse_published(shown, now=NOW) == instant, shown
        instant += timedelta(hours=7, minutes=13)


# --- properties ------------------------------------------------------------------------------

# NORMALISE_EXAMPLES=5000 for a stress run; the default keeps the file fast
FEW = settings(
    max_examples=int(os.environ.get("NORMALISE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

HTML_PIECES = [
    "<p>", "</p>", "<br>", "<br/>", "<div class='share'>", "<div>", "</div>", "<ul>", "</ul>",
    "<li>", "</li>", "<ol>", "<b>", "</b>", "<script>", "</script>", "<style>", "</style>",
    "<!--", "-->", "<!-- header -->", "<?pi x?>", "&nbsp;", "&amp;", "&lt;", "&#0;", "&#xD800;",
    "<pre>", "</pre>", "<table><tr><td>", "</td></tr></table>", "<figcaption>", "<h2>", "</h2>",
    "</body></html>", "<html><head><title>t</title></head><body>", "\x00", "\u00ad", "\u200b",
    "\n", " ", "<", ">", "<a href='x'>", "</a>", "<template>", "<noscript>", "<iframe>",
    '<p class="related">', "<blockquote>", "</blockquote>", "<meta charset='latin-1'>",
]  # fmt: skip
DATE_PIECES = [
    "November", "Nov", "07", "7", "2016", "1994", "2026", "10:41", "3:05", "pm", "am", ",", ".",
    "/", " ", "ago", "2 hours", "yesterday", "вчера", "ноября", "лістапада", "г.", "T", "Z",
    "+03:00", "-0500", "GMT", "Published:", "Mon,", "2016-11-07", "31", "12", "00", "99",
]  # fmt: skip
CREDIT_PIECES = [
    "Image:", "Photo", "photos -", "©", "(c)", "Фото:", "Крыніца", "by", "TUT.BY", "BelTA", ",", ";",
    " / ", " and ", " і ", ".", "-", "\u2014", "https://www.tut.by/a,b", "www.x.by", "&amp;", "&copy;",
    "<b>", "</b>", "\u00a0", "\u200b", " ", ":", "Source", "Credit", "e\u0301",
    "Reuters", "AP", "picture alliance", "Getty Images", "EFE/", " in ", "Minsk", " the ", "\uff1d",
    " | ", "(", ")", "Фота:", "Снимок носит иллюстративный характер.", "twitter.com/x", "via",
]  # fmt: skip
TITLE_PIECES = [
    " | Belarus in Focus", " - Belarus in Focus", "\u2014Belarus in Focus", "BELARUS IN FOCUS", "|",
    "&amp;", "&amp;amp;", "&lt;b&gt;", "<i>", "</i>", "&nbsp;", "\u00ad", "\u200b", "e\u0301",
    "\u201cq\u201d", " ", "\n", "&#8203;", "&", "amp;", "<", ">",
]  # fmt: skip


def pieces(choices: list[str], size: int, max_pieces: int, sep: str = "") -> st.SearchStrategy[str]:
    """Text made of typical fragments mixed with arbitrary short text."""
    parts = st.one_of(st.sampled_from(choices), st.text(max_size=size))
    return st.lists(parts, max_size=max_pieces).map(sep.join)


HTMLISH = pieces(HTML_PIECES, 8, 30)
DATEISH = pieces(DATE_PIECES, 4, 8, " ")
CREDITISH = pieces(CREDIT_PIECES, 3, 10)
TITLEISH = pieces(TITLE_PIECES, 3, 10)

PLAIN = st.text(st.characters(exclude_characters="<&", exclude_categories=("Cs",)), max_size=200)

HTTP_URLS = st.builds(
    "{}://{}{}/{}{}{}".format,
    st.sampled_from(["http", "https", "HTTP"]),
    st.sampled_from(["belarusinfocus.info", "WWW.Example.com", "x.by", "пример.рф"]),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(st.text("aZ09-_.~%é ", max_size=6), max_size=3).map("/".join),
    st.lists(
        st.tuples(
            st.sampled_from(["a", "utm_source", "fbclid", "Q", "page", "é"]), st.text("ab1 +%", max_size=3)
        ),
        max_size=3,
    ).map(lambda pairs: "?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else ""),
    st.sampled_from(["", "#frag", "#"]),
)


PERIOD_PIECES = [
    "May", "Sep", "Sept.", "September", "December", "January", "Жнівень", "жніўня", "Май", "мая",
    "снежня", "15", "1", "01", "31", "29", "2023", "2022", "1994", "2101", "0016", ",", "\u2013",
    "-", "\u2014", "\u2013 ", " ", "г.", "года", "to", "по", "с", ".", "/", "(", ")", "2023-05-15",
]  # fmt: skip
PERIODISH = pieces(PERIOD_PIECES, 4, 9, " ")
CONTEXTS = st.one_of(st.none(), st.dates(), st.datetimes())
#: The languages format_period writes.
LANGS = st.sampled_from(["en", "ru", "be"])
DASHES = st.sampled_from([" \u2013 ", "\u2013", " - ", "-", " \u2014 ", "\u2014"])


@FEW
@given(st.one_of(st.text(), PERIODISH), CONTEXTS)
def test_parse_period_never_raises_and_gives_valid_periods(raw: str, context: date | None) -> None:
    result = parse_period(raw, context=context)
    if result is not None:
        start, end = result
        assert start <= end
        assert 1 <= (end - start).days + 1 <= 31
        assert start.year >= 1995
        assert end.year <= 2100


@FEW
@given(st.dates(min_value=date(1995, 1, 2), max_value=date(2100, 12, 20)), LANGS, DASHES)
def test_a_monday_to_sunday_week_is_seven_days(day: date, lang: str, dash: str) -> None:
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    shown = format_period(monday, sunday, lang=lang).replace(" \u2013 ", dash)  # type: ignore[arg-type]
    result = parse_period(shown)
    assert result == (monday, sunday)
    assert (result[1] - result[0]).days + 1 == 7
    yearless = shown.rsplit(",", 1)[0]
    assert parse_period(yearless, context=sunday) == (monday, sunday)


@FEW
@given(PERIODISH, CONTEXTS)
def test_parse_period_is_idempotent_through_formatting(raw: str, context: date | None) -> None:
    result = parse_period(raw, context=context)
    if result is not None:
        assert parse_period(format_period(*result)) == result


@FEW
@given(st.one_of(st.text(), DATEISH))
def test_parse_stated_is_consistent(raw: str) -> None:
    result = parse_stated(raw, now=NOW)
    if result is not None:
        assert (result.instant is None) == (result.precision == "day")
        assert date(1995, 1, 1) <= result.day <= (NOW + timedelta(days=2)).date()
        if result.instant is not None:
            assert result.instant.utcoffset() == timedelta(0)


@FEW
@given(st.one_of(st.text(), HTMLISH, CREDITISH))
def test_split_caption_credit_never_takes_a_credit_that_cleans_to_nothing(raw: str) -> None:
    caption, credit = split_caption_credit(raw)
    if credit is not None:
        assert clean_credit(credit) is not None
    if caption is not None:
        assert caption == caption.strip()
        assert caption


@FEW
@given(st.text())
def test_text_functions_never_raise(text: str) -> None:
    collapse_ws(text)
    clean_title(text)
    clean_credit(text)
    clean_author(text)
    split_caption_credit(text)
    assert trend_status(text) in (None, "better", "worse", "unchanged")
    canonical_url(text)
    trend_status(text)
    strip_lead(text, text[: len(text) // 2])
    word_count(text)
    body_text(text)


@FEW
@given(HTMLISH)
def test_body_text_never_raises_on_htmlish_text(html: str) -> None:
    text = body_text(html)
    assert "\n\n\n" not in text
    assert text == text.strip()
    for line in text.split("\n"):
        assert line == collapse_ws(line)


@FEW
@given(st.one_of(st.text(max_size=60), DATEISH))
def test_parse_published_is_aware_utc_and_in_range(raw: str) -> None:
    result = parse_published(raw, now=NOW)
    if result is not None:
        assert result.tzinfo is not None
        assert result.utcoffset() == timedelta(0)
        assert EARLIEST <= result <= NOW + timedelta(days=1)


@FEW
@given(
    st.datetimes(
        min_value=datetime(1995, 1, 2),  # noqa: DTZ001 - hypothesis takes naive bounds
        max_value=datetime(2026, 11, 27),  # noqa: DTZ001
        timezones=st.just(UTC),
    )
)
def test_parse_published_reads_its_own_iso_output(instant: datetime) -> None:
    instant = instant.replace(microsecond=0)
    assert parse_published(to_local_iso(instant), now=NOW) == instant
    assert parse_published(to_utc_iso(instant), now=NOW) == instant


@FEW
@given(st.one_of(st.text(), HTMLISH, TITLEISH))
def test_clean_title_is_idempotent(raw: str) -> None:
    once = clean_title(raw)
    assert clean_title(once) == once


@FEW
@given(st.one_of(st.text(), HTMLISH, CREDITISH))
def test_clean_credit_is_idempotent(raw: str) -> None:
    once = clean_credit(raw)
    if once is not None:
        assert once
        assert clean_credit(once) == once


@FEW
@given(st.text())
def test_collapse_ws_is_idempotent(raw: str) -> None:
    once = collapse_ws(raw)
    assert collapse_ws(once) == once


@FEW
@given(HTTP_URLS)
def test_canonical_url_is_idempotent_on_http_urls(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@FEW
@given(PLAIN)
def test_body_text_is_idempotent_on_plain_text(text: str) -> None:
    once = body_text(text)
    assert body_text(once) == once


@FEW
@given(
    st.datetimes(
        min_value=datetime(2012, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
        max_value=datetime(2035, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.integers(min_value=1, max_value=48),
)
def test_hours_ago_counts_back_from_now(now: datetime, hours: int) -> None:
    expected = now.replace(microsecond=0) - timedelta(hours=hours)
    assert parse_published(f"{hours} hours ago", now=now) == expected
    assert parse_published(f"Updated {hours} hours ago", now=now) == expected


# --- text_fingerprint: the same text read with another first paragraph ------------------------
LONG = [f"Paragraph {n}: the Belarusian authorities seek to consolidate the normalisation trend."
        for n in range(5)]


def test_text_fingerprint_ignores_short_lines_and_where_the_lead_ends() -> None:
    body = "\n\n".join(LONG[1:])
    key = text_fingerprint(LONG[0], body)
    assert key is not None
    assert text_fingerprint("Source — AP", f"{LONG[0]}\n\n{body}") == key  # credit as the lead
    assert text_fingerprint(LONG[0], f"{LONG[0]}\n\n{body}") == key  # the lead kept in the body
    assert text_fingerprint(None, f"What to expect\n{LONG[0]}\n{body}\nBy Zmicier Kuchlej") == key
    assert text_fingerprint("", f"{LONG[0].upper()}\n\n{body}") == key  # case folded
    assert text_fingerprint(LONG[0], body.replace("Paragraph 2", "Paragraph 9")) != key
    assert text_fingerprint("A short lead.", "A short body.") is None
    assert text_fingerprint(None, None) is None


@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_text_fingerprint_is_total_and_blind_to_the_lead_split(lead: str | None, body: str | None) -> None:
    key = text_fingerprint(lead, body)
    assert key is None or len(key) == 40
    joined = "\n".join(t for t in (lead, body) if t)
    assert text_fingerprint(None, joined) == key
