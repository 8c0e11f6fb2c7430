
"""Vocabulary and sentence templates in the style of the seed page (political analysis of Belarus).

A template is text with fields in braces, expanded by :class:`Prose` with a seeded
``random.Random``:

- ``{S}``/``{s}``: a new subject (capitalised / as is); it governs agreement from there on.
  ``{H}``/``{h}``: a headline subject (no article: ``Kremlin``, ``Belarusian authorities``).
- ``{v:VERB}``: VERB in the present tense, agreeing with the current subject (``aims``/``aim``);
  ``{v0:VERB}``: singular, for a subject written out in the template (``Minsk {v0:have}``).
- ``{its}``, ``{self}``: the current subject's possessive and reflexive pronouns.
- ``{P}``/``{p}``: another subject in the possessive (``the Kremlin’s``, ``the authorities’``).
- any other ``{name}`` / ``{Name}``: a phrase from the pool ``name`` (capitalised for ``Name``);
  category pools are tried before the general ones; phrases may hold fields themselves.

Text is plain Unicode: typographic apostrophes (’), quotes (“ ”), en dashes (–) and NBSP
(``\\u00a0``) appear in the vocabulary on purpose, for the HTML renderer to encode.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Final

from archiver.replica.rand import pick

NBSP: Final = "\u00a0"

CATEGORY_KEYS: Final = ("politics", "economy", "international", "security", "civil")
"""Keys of the topical vocabularies, one per site category (see generator.CATEGORIES)."""

_Subject = tuple[str, bool]
"""A subject: its text and whether it is plural."""


def _subjects(*specs: str) -> tuple[_Subject, ...]:
    """``"Minsk|s"``, ``"the Belarusian authorities|p"`` -> (text, plural) pairs."""
    out = []
    for spec in specs:
        text, number = spec.rsplit("|", 1)
        out.append((text, number == "p"))
    return tuple(out)


SUBJECTS: Final[Mapping[str, tuple[_Subject, ...]]] = {
    "general": _subjects(
        "Minsk|s", "Minsk|s", "Minsk|s", "official Minsk|s", "the Belarusian authorities|p",
        "the Belarusian authorities|p", "the Belarusian leadership|s", "President Lukashenka|s",
        "the Belarusian government|s", "the Kremlin|s", "Moscow|s",
    ),
    "politics": _subjects(
        "the Presidential Administration|s", "the Central Election Commission|s",
        "the opposition|s", "the Belarusian nomenklatura|s", "the security forces|p",
        "the House of Representatives|s", "local authorities|p", "the ruling elite|s",
    ),
    "economy": _subjects(
        "the National Bank|s", "the Council of Ministers|s", "the Finance Ministry|s",
        "the Economy Ministry|s", "state-owned enterprises|p", "private businesses|p",
        "the government|s",
    ),
    "international": _subjects(
        "the Foreign Ministry|s", "Foreign Minister Makei|s", "Brussels|s", "the European Union|s",
        "Beijing|s", "Kyiv|s", "Warsaw|s", "Vilnius|s", "Washington|s", "Western capitals|p",
    ),
    "security": _subjects(
        "the Belarusian Defence Ministry|s", "the Security Council|s", "the KGB|s",
        "the Belarusian military|s", "the State Border Committee|s", "the Russian military|s",
    ),
    "civil": _subjects(
        "civil society organisations|p", "human rights defenders|p", "independent trade unions|p",
        "the Catholic Church|s", "the Orthodox Church|s", "local activists|p",
        "independent media|p", "the Ministry of Information|s",
    ),
}

HEADLINE_SUBJECTS: Final = _subjects(
    "Minsk|s", "Minsk|s", "Minsk|s", "Minsk|s", "Official Minsk|s", "Kremlin|s", "Lukashenka|s",
    "Belarusian authorities|p", "Authorities|p", "Government|s", "National Bank|s", "Brussels|s",
    "Moscow|s", "Opposition|s", "Beijing|s", "Kyiv|s", "Warsaw|s", "EU|s", "Belarusian leadership|s",
)

_IRREGULAR: Final = {"be": "is", "have": "has", "do": "does", "can": "can", "will": "will"}


def conjugate(verb: str, plural: bool) -> str:
    """The present tense of ``verb`` for a third-person subject (``seek`` -> ``seeks``)."""
    if plural:
        return "are" if verb == "be" else verb
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in ("a", "e", "o", "u"):
        return verb[:-1] + "ies"
    return verb + "s"


def possessive(text: str) -> str:
    """``the Kremlin`` -> ``the Kremlin’s``; ``the authorities`` -> ``the authorities’``."""
    return text + ("’" if text.endswith("s") else "’s")


# --- phrase pools: general, then one vocabulary per category ---------------------------------

GENERAL: Final[Mapping[str, tuple[str, ...]]] = {
    "partner": (
        "Moscow", "Brussels", "Beijing", "Washington", "Warsaw", "Kyiv", "the European Union",
        "the United States", "China", "Russia", "the IMF", "NATO", "the Baltic States",
        "the Eurasian Economic Union partners", "Western capitals",
    ),
    "context": (
        "enhanced contacts between Minsk and Western capitals", "the deepening recession",
        "falling export revenues", "the conflict in eastern Ukraine", "growing social discontent",
        "the upcoming parliamentary campaign", "tense oil and gas negotiations with Moscow",
        "the increased NATO presence in the Baltic States and Poland",
        "the thaw in relations with the West", "the shortage of foreign currency",
        "the Kremlin’s pressure on Minsk", "mounting foreign debt repayments",
        "the normalisation of relations with the United States",
    ),
    "goal": (
        "disassociate {self} from the confrontation between Russia and the West",
        "step up cooperation with {partner}", "avoid being involved in the Russian containment policy",
        "consolidate the normalisation trend in relations with the European Union",
        "tone down the confrontational rhetoric", "demonstrate {its} sovereignty to {partner}",
        "promote Belarus as a regional negotiating platform", "preserve control over {topic}",
        "secure new loans from {lender}", "shape a positive image of Belarus abroad",
        "retain the loyalty of the nomenklatura", "minimise the political risks of {topic}",
        "gain additional room for manoeuvre in relations with {partner}",
        "diversify {its} foreign policy", "postpone unpopular decisions on {topic}",
        "make up for image losses from {event}", "extend the dialogue with {partner} on {topic}",
    ),
    "topic": (
        "the Union State", "the Belarusian economy", "the foreign debt", "the national currency",
        "the Eurasian Economic Union", "the security situation in the region",
        "relations with the West", "the domestic political situation",
    ),
    "event": (
        "a meeting of the joint board of the Russian and Belarusian Defence Ministries",
        "the Eastern Partnership summit", "the All-Belarusian People’s Assembly",
        "a session of the Supreme State Council of the Union State", "the Minsk Forum",
        "the annual address to the nation and parliament", "the European Games",
        "the Eurasian Economic Forum", "consultations with the IMF mission",
        "the joint military exercises", "a Catholic conference",
    ),
    "person": (
        "Russian Defence Minister Sergei Shoigu", "Foreign Minister Uladzimir Makei",
        "the Russian ambassador", "the EU Commissioner for Neighbourhood Policy",
        "the head of the IMF mission", "the Patriarch of the Russian Orthodox Church",
        "a delegation of Chinese investors", "the US Deputy Assistant Secretary of State",
        "the Prime Minister", "the Speaker of the Council of the Republic",
    ),
    "place": ("Minsk", "Minsk", "Moscow", "Brussels", "Sochi", "Vilnius", "Warsaw", "Beijing"),
    "lender": (
        "the Eurasian Fund for Stabilisation and Development", "Russia", "China", "the IMF",
        "the World Bank", "the European Bank for Reconstruction and Development",
    ),
    "lack": (
        "the lack of tangible economic growth", "the absence of structural reforms",
        "falling real incomes", "the lack of new sources of financing",
    ),
    "show": (
        "demonstrations of growth in Minsk’s authority at international level",
        "large-scale sporting and cultural events", "populist promises ahead of the elections",
        "campaigns against corruption in the nomenklatura",
    ),
    "asset": (
        "the military presence at the Belarusian border", "{its} position in the negotiations",
        "control over the regional elites", "ties with Chinese investors",
    ),
    "implication": (
        "the mutual distrust between the allies", "a further cooling in relations with Moscow",
        "a search for new sources of financing", "the absence of a long-term strategy",
    ),
    "clause": (
        "{s} {v:seek} to {goal}", "{s} {v:be} unlikely to {goal} in the near future",
        "the initiative is unlikely to find supporters in Moscow",
        "{s} would rather {goal}", "{s} {v:be} not ready to {goal}",
        "{s} {v:have} no intention to {goal}", "{s} would prefer to {goal}",
    ),
    "reward": (
        "cheaper Russian gas", "a new tranche of the Russian loan", "duty-free oil supplies",
        "the lifting of sanctions", "political loyalty", "access to Western markets",
    ),
    "source": (
        "Belstat", "the National Bank", "independent experts", "Standard & Poor’s",
        "the Ministry of Economy", "sociological surveys", "IISEPS", "Fitch Ratings",
    ),
    "period": (
        "January–September", "the first half of the year", "the first quarter", "January–March",
        "the past month", "January–October", "the third quarter",
    ),
    "indicator": (
        "GDP", "industrial output", "real disposable income", "the average salary",
        "exports to Russia", "retail trade", "housing construction", "agricultural output",
        "investment in fixed assets", "exports to the European Union",
    ),
    "direction": ("grew", "fell", "increased", "decreased", "declined", "rose"),
    "adverb": ("Apparently", "Most likely", "Meanwhile", "Nevertheless", "In the short term",
               "However", "In the medium term", "At the same time"),
}

_CATEGORY_POOLS: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "politics": {
        "topic": (
            "the parliamentary campaign", "the local elections", "the presidential election",
            "the decree on “social parasites”", "the death penalty", "the Belarusian language",
            "independent media", "the opposition parties", "the ideological vertical",
            "the constitutional reform", "street protests", "the law on mass events",
            "personnel rotations in the government", "the regional elites",
        ),
        "goal": (
            "prevent the opposition from gaining seats in parliament",
            "demonstrate the liberalisation of the electoral process to {partner}",
            "reduce the protest potential in the regions", "tighten control over {topic}",
            "renew the nomenklatura with loyal technocrats", "ease tensions ahead of {topic}",
            "neutralise the discontent over {topic}",
        ),
        "event": (
            "the parliamentary election", "the protests against the decree on “social parasites”",
            "the Freedom Day rally", "the local elections",
        ),
        "context": (
            "the growing protest moods in the regions", "the campaign for the parliamentary election",
            "rotations in the Presidential Administration", "the crackdown on street protests",
        ),
    },
    "economy": {
        "topic": (
            "the foreign debt", "the budget deficit", "the Belarusian rouble", "GDP growth",
            "the state-owned sector", "the potash industry", "oil refining", "wage arrears",
            "inflation", "the IMF loan", "Russian oil supplies", "the gas price",
            "dairy exports to Russia", "the privatisation of state assets",
            "the decree on entrepreneurship", "the refinancing rate", "gold and foreign currency reserves",
            "the tax manoeuvre in the Russian oil sector", "the Hi-Tech Park",
            "the China-Belarus industrial park Great Stone", "the housing construction programme",
        ),
        "goal": (
            "keep the exchange rate of the Belarusian rouble stable",
            "refinance the foreign debt", "secure cheaper energy supplies from {partner}",
            "avoid mass layoffs at state-owned enterprises", "reduce inflation to single digits",
            "attract foreign investors to {topic}", "compensate for losses from the oil dispute",
            "raise the average salary to USD\u00a0500", "support loss-making state-owned enterprises",
        ),
        "context": (
            "the falling prices for potash fertilisers", "the devaluation of the Russian rouble",
            "the dispute over oil and gas prices", "the slowdown in industrial production",
        ),
        "lender": ("the Eurasian Fund for Stabilisation and Development", "Russia", "China", "the IMF"),
    },
    "international": {
        "topic": (
            "the Eastern Partnership", "the Union State", "visa facilitation with the EU",
            "the Minsk peace talks on Ukraine", "the Helsinki 2.0 idea", "relations with China",
            "the EU sanctions", "the Eurasian Economic Union", "the normalisation with the United States",
            "the Vatican’s mediation", "the Belarusian–Polish border", "the Lithuanian nuclear debate",
        ),
        "goal": (
            "promote Belarus as a global negotiating platform", "obtain an invitation to {event}",
            "restore the full-scale diplomatic presence of the United States",
            "resume the dialogue with the European Union on {topic}",
            "balance between Moscow and Brussels", "improve {its} image in the West",
        ),
        "event": (
            "the OSCE Parliamentary Assembly session", "the Eastern Partnership summit",
            "the Munich Security Conference", "the Belarus–EU human rights dialogue",
        ),
    },
    "security": {
        "topic": (
            "the Zapad military exercises", "the MLRS Polonaise", "the Russian air base",
            "the Belarusian air defence", "the Union State common defence system",
            "the Western Military District", "the CSTO", "border security",
            "the territorial defence", "arms exports", "military-technical cooperation with China",
        ),
        "goal": (
            "strengthen the Belarusian defence potential", "resist the deployment of Russian military bases",
            "modernise the air force", "avoid being drawn into the Russian–Ukrainian conflict",
            "increase arms exports to Asia and Africa", "demonstrate military sovereignty to NATO",
        ),
        "event": ("the Zapad military exercises", "the military parade", "the CSTO summit"),
        "context": (
            "the increased NATO presence in the Baltic States and Poland",
            "the Russian military build-up in the Western Military District",
        ),
    },
    "civil": {
        "topic": (
            "the non-governmental sector", "human rights defenders", "the Catholic Church",
            "independent trade unions", "volunteer initiatives", "the registration of NGOs",
            "the “Tell the Truth” campaign", "crowdfunding platforms", "public councils",
            "the dialogue with civil society", "the independent media",
        ),
        "goal": (
            "involve civil society in the dialogue with the West", "register new associations",
            "limit foreign funding of NGOs", "demonstrate openness to Western values",
            "channel the protest potential into controlled public councils",
        ),
        "event": ("a Catholic conference", "the Forum of Regions", "the Civil Society Forum"),
    },
}

# --- templates ----------------------------------------------------------------------------

TITLES: Final = (
    "{H} {v:attempt} to {goal}",
    "{H} {v:seek} to {goal} amid {context}",
    "{H} unlikely to {goal}",
    "{H} {v:step} up pressure on {target}",
    "{H} {v:use} {topic} to {goal}",
    "{H} {v:make} concessions to {partner} on {topic}",
    "{H} {v:prepare} for {event}",
    "{H} {v:tighten} control over {topic}",
    "{H} {v:try} to {goal} ahead of {event}",
    "Minsk attempts to make up for image losses from {event} by opening to Western values",
    "Belarus – EU: dialogue on {topic} resumes",
    "Belarus – Russia: new round of disputes over {topic}",
    "{H} and {partner} fail to agree on {topic}",
    "{Topic} under pressure as {h} {v:seek} {reward}",
    "{H} {v:bet} on {topic} to {goal}",
    "Kremlin attempts to devalue Minsk efforts in {topic}",
)

TITLES_BY_CATEGORY: Final[Mapping[str, tuple[str, ...]]] = {
    "economy": (
        "Standard & Poor’s upgrades Belarus’ rating as Minsk seeks {reward}",
        "{H} {v:attempt} to {goal} as pressure on {topic} grows",
    ),
    "international": ("Minsk’s “Helsinki 2.0” initiative: {H} {v:attempt} to {goal}",),
}

TITLE_TAILS: Final = (
    "amid {context}", "ahead of {event}", "despite {fp} criticism", "in exchange for {reward}",
    "after {event}", "to avoid {risk}",
)
P_TITLE_TAIL: Final = 0.45
"""How often a headline gets one of TITLE_TAILS (when it fits in 110 characters)."""

TARGETS: Final = (
    "independent media", "the opposition", "private business", "Minsk", "NGOs", "trade unions",
    "regional authorities", "state-owned enterprises",
)

LEAD_OPENERS: Final = (
    "Amid {context}, Minsk {v0:have} {achieved}.",
    "Minsk {v0:be} attempting to {goal} in response to {response}.",
    "The Belarusian authorities regard {event} as yet another opportunity to promote Minsk as {role}.",
    "Official Minsk {v0:have} {achieved}, albeit {clause}.",
    "{S} {v:seek} to {goal}, while Minsk {v0:be} likely to {goal2}.",
    "Minsk’s attempts to {goal} have been devalued by {devaluer}.",
    "By {gerund}, Minsk {v0:hope} to {goal}.",
    "Amid {context}, Minsk is likely to {goal} and to keep its {asset2} intact.",
)

BODY: Final = (
    "Amid {context}, {s} {v:have} {achieved}.",
    "{S} will continue attempts to {goal}.",
    "Nevertheless, {s} will attempt to {goal}.",
    "{S} {v:be} likely to {goal}, albeit {clause}.",
    "Last week, {place} hosted {event} with the participation of {person}.",
    "On the one hand, {s} would like to {goal}, but on the other hand, {s} would be prompted to {goal}.",
    "Unlike {other}, Minsk aims to {goal} and has emphasised that {clause}.",
    "In addition, for domestic audiences, the authorities make up for {lack} with {show}.",
    "{S} {v:regard} {event} as yet another opportunity to {goal}.",
    "Meanwhile, {s} {v:have} strengthened {asset}, which could imply {implication}.",
    "The Belarusian authorities are aware that {clause}.",
    "{Adverb}, {s} {v:be} unlikely to {goal}.",
    "{P} reluctance to {goal} has prompted {s} to {goal}.",
    "According to {source}, {clause}.",
    "Most likely, {s} will {goal} in exchange for {reward}.",
    "{S} {v:have} repeatedly appealed to {partner} with a request to {goal}.",
    "In {period}, {indicator} {direction} by {pct} per cent year-on-year.",
    (
        "The authorities are resisting {fp} pressure to {goal},"
        " albeit they preserve close cooperation with {partner}."
    ),
    "{Adverb}, {s} {v:have} to take into account {p} position on {topic}.",
    "Should {s} {goal}, the Kremlin would respond with pressure on {topic}.",
    "{S} {v:be} attempting to lay out a mosaic from various international events to {goal}.",
    "The issue of {topic} remains a sensitive one for Minsk, as {clause}.",
    "{S} {v:seek} to consolidate the normalisation trend, but {clause}.",
    "In the medium term, {s} {v:be} likely to {goal} to avoid {risk}.",
    "Both Minsk and {partner} are interested in {gerund}.",
    "{S} {v:have} demonstrated that {clause}.",
    "The Belarusian side received USD\u00a0{amount} million from {lender} in {period}.",
    "Some experts believe that {s} would rather {goal}.",
)

FILLERS: Final[Mapping[str, tuple[str, ...]]] = {
    "achieved": (
        "demonstrated the inevitably close military cooperation between Belarus and Russia",
        "stepped up contacts with {partner}", "softened {its} rhetoric towards {partner}",
        "announced new measures to support {topic}", "tightened control over {topic}",
        "launched consultations with {partner} on {topic}", "made several symbolic concessions to {partner}",
    ),
    "response": (
        "{fp} pressure", "the growing criticism from {partner}", "the new Russian demands on {topic}",
        "the decline in public support",
    ),
    "role": (
        "a global negotiating platform", "a donor of regional security",
        "a reliable partner of {partner}",
    ),
    "devaluer": (
        "{fp} statements on {topic}", "the joint military exercises with Russia",
        "the new wave of repressions against the opposition",
    ),
    "gerund": (
        "opening to Western values", "diversifying oil supplies", "hosting international events",
        "developing contacts with {partner}", "reducing dependence on Russian loans",
        "toning down the anti-NATO rhetoric", "promoting the Helsinki 2.0 idea",
    ),
    "asset2": ("room for manoeuvre", "neutrality", "autonomy in foreign policy", "economic sovereignty"),
    "other": ("the Kremlin", "Moscow", "Brussels", "Kyiv", "the opposition"),
    "risk": ("mass protests", "a new devaluation", "a conflict with Moscow", "new EU sanctions"),
    "pct": ("1.2", "2.5", "3.8", "4.1", "7.3", "0.6", "12", "15.4", "9.9", "5"),
    "fp": ("the Kremlin’s", "Moscow’s", "Brussels’", "Beijing’s", "Washington’s", "the IMF’s"),
    "amount": ("100", "300", "440", "600", "750", "800", "1,200"),
}

HEADINGS: Final = (
    "Outlook", "Economic implications", "What to expect", "Background", "The Kremlin’s position",
    "Domestic consequences", "Reaction in Brussels", "Risks for Minsk", "Conclusion",
    "Why it matters", "Minsk’s calculation",
)

LIST_INTROS: Final = (
    "The Belarusian authorities have several options:", "Key risks for Minsk include:",
    "The agenda of the talks includes:", "Observers point to the following factors:",
)

QUOTES: Final = (
    "Belarus will never be a threat to its neighbours",
    "We are not going to ask anyone for money",
    "Our foreign policy is multi-vector, and it will remain so",
    "Nobody will impose their will on us",
    "We will defend our sovereignty and independence",
    "The market is not a panacea, and we will not sell off our enterprises",
    "We are open to dialogue with everyone who respects us",
)

SPEAKERS: Final = (
    "President Lukashenka said", "Lukashenka stressed", "the Foreign Minister said",
    "the Belarusian leader said at a meeting with officials",
)

LINK_LEADS: Final = (
    ("As ", "previously forecast", ", {clause}."),
    ("As ", "we noted earlier", ", {clause}."),
    ("This continues the trend ", "analysed in our previous review", "."),
    ("", "Earlier", ", {s} {v:have} {achieved}."),
    ("For more on this, see ", "our analysis of {topic}", "."),
)

_BASE_POOLS: Final[Mapping[str, tuple[str, ...]]] = {**GENERAL, **FILLERS, "target": TARGETS}
_PROPER: Final = re.compile(r"\b(Moscow|Brussels|Beijing|Kyiv|Warsaw|Washington|Vilnius|Kremlin|NATO)\b")
_FIELD: Final = re.compile(r"\{(\w+)(?::(\w+))?\}")
_Parsed = tuple[tuple[str, str | None, str | None], ...]
_PARSED: dict[str, _Parsed] = {}
_RECENT: Final = 8
"""A body template is not reused within this many sentences."""


def _parse(template: str) -> _Parsed:
    """``template`` as (literal, field name, field argument) triples; memoised."""
    parsed = _PARSED.get(template)
    if parsed is None:
        parts: list[tuple[str, str | None, str | None]] = []
        pos = 0
        for match in _FIELD.finditer(template):
            parts.append((template[pos : match.start()], match.group(1), match.group(2)))
            pos = match.end()
        parts.append((template[pos:], None, None))
        parsed = _PARSED[template] = tuple(parts)
    return parsed


class Prose:
    """Sentences and phrases for one category, drawn from the word bank with ``rng``."""

    def __init__(self, rng: random.Random, category_key: str) -> None:
        if category_key not in CATEGORY_KEYS:
            raise ValueError(f"unknown category key {category_key!r}")
        self.rng = rng
        self.key = category_key
        self._subject: _Subject = ("Minsk", False)
        self._topical = _CATEGORY_POOLS.get(category_key, {})
        self._subjects = SUBJECTS["general"] + SUBJECTS[category_key]
        self._titles = TITLES + TITLES_BY_CATEGORY.get(category_key, ())
        self._recent: list[str] = []

    # -- public ---------------------------------------------------------------------------------
    def title(self) -> str:
        """A headline, 5 to 16 words, no final full stop."""
        for _ in range(8):
            template = pick(self.rng, self._titles)
            if "{goal}" in template and " amid " not in template and self.rng.random() < P_TITLE_TAIL:
                template += " " + pick(self.rng, TITLE_TAILS)
            text = _cap(self.expand(template))
            names = _PROPER.findall(text)
            if len(text) <= 110 and len(names) == len(set(names)):
                break
        return text

    def lead(self) -> str:
        """A lead paragraph: two or three sentences; the first names Minsk nine times in ten."""
        first = pick(self.rng, LEAD_OPENERS) if self.rng.random() < 0.9 else None
        count = pick(self.rng, (1, 2, 2))
        return " ".join([self.sentence(first), *(self.sentence() for _ in range(count))])

    def sentence(self, template: str | None = None) -> str:
        """One sentence from ``template`` (or a body template not used lately), capitalised."""
        if template is None:
            template = pick(self.rng, BODY)
            for _ in range(6):
                if template not in self._recent:
                    break
                template = pick(self.rng, BODY)
            self._recent = [*self._recent[1 - _RECENT :], template]
        self._subject = ("Minsk", False)
        return _cap(self.expand(template))

    def paragraph(self, sentences: int) -> list[str]:
        """``sentences`` body sentences."""
        return [self.sentence() for _ in range(sentences)]

    def heading(self) -> str:
        """A short subheading."""
        return pick(self.rng, HEADINGS)

    def list_intro(self) -> str:
        """The sentence that introduces a bulleted list."""
        return pick(self.rng, LIST_INTROS)

    def list_items(self, count: int) -> list[str]:
        """``count`` distinct list items (goals as noun-like phrases, capitalised)."""
        items: list[str] = []
        for _ in range(count * 4):
            text = _cap(self.expand("{goal}"))
            if text not in items:
                items.append(text)
            if len(items) == count:
                break
        return items

    def quote(self) -> str:
        """A quoted statement with its speaker: ``“…,” President Lukashenka said.``"""
        return f"“{pick(self.rng, QUOTES)},” {pick(self.rng, SPEAKERS)}."

    def link_sentence(self) -> tuple[str, str, str]:
        """A sentence with a link: (text before, anchor text, text after)."""
        before, anchor, after = pick(self.rng, LINK_LEADS)
        return before, self.expand(anchor), self.expand(after)

    # -- expansion ------------------------------------------------------------------------------
    def expand(self, template: str, depth: int = 0) -> str:
        """``template`` with every field replaced (see the module docstring)."""
        if depth > 6:
            raise ValueError(f"template nests too deeply: {template!r}")
        out = []
        for literal, name, arg in _parse(template):
            out.append(literal)
            if name is not None:
                out.append(self._field(name, arg, depth))
        return "".join(out)

    def _field(self, name: str, arg: str | None, depth: int) -> str:  # noqa: PLR0911
        rng = self.rng
        if name in ("S", "s"):
            self._subject = pick(rng, self._subjects)
            return _cap(self._subject[0]) if name == "S" else self._subject[0]
        if name in ("H", "h"):
            self._subject = pick(rng, HEADLINE_SUBJECTS)
            return self._subject[0]
        if name in ("P", "p"):
            text = possessive(pick(rng, self._subjects)[0])
            return _cap(text) if name == "P" else text
        if name == "v":
            return conjugate(arg or "be", self._subject[1])
        if name == "v0":  # singular, whatever the subject (the subject is a fixed word)
            return conjugate(arg or "be", plural=False)
        if name == "its":
            return "their" if self._subject[1] else "its"
        if name == "self":
            return "themselves" if self._subject[1] else "itself"
        if name == "goal2":
            name = "goal"
        saved = self._subject
        text = self.expand(pick(rng, self._pool(name.lower())), depth + 1)
        self._subject = saved  # a phrase's own subjects do not govern the outer sentence
        return _cap(text) if name[0].isupper() else text

    def _pool(self, name: str) -> Sequence[str]:
        topical = self._topical.get(name)
        general = _BASE_POOLS.get(name)
        if topical and (not general or self.rng.random() < 0.7):
            return topical
        if general:
            return general
        raise ValueError(f"no word pool {name!r}")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
