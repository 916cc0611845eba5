"""Country and currency codes: which ones a ledger takes, and which one a text that is
not a code probably meant (CLDR, through babel).

A donor written ``Germany``, ``germany``, ``Deutschland``, ``DEU`` (ISO 3166-1 alpha-3),
``GER`` (the start of one country's name) or ``UK`` (an alias CLDR keeps) is not a code,
but the message can say which code it means; a currency ``EURO`` or ``Euro`` likewise.

Importers take English country names (:func:`territory_code`) the way lists write them:
CLDR's names and a few common others, in any case, with or without accents, ``&`` or
``and``, dots in abbreviations (``U.S.``), a leading ``the``, the inverted order of
ISO 3166 (``Korea, Republic of``) and a state's form before its name (``Republic of
Moldova``, ``Kingdom of the Netherlands``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from aidledger._hints import closest, did_you_mean
from aidledger.money import check_currency, is_currency

__all__ = [
    "check_currency_code",
    "check_territory",
    "check_territory_code",
    "currency_hint",
    "is_territory",
    "territory_code",
    "territory_hint",
]

# ISO 3166-1 alpha-2 codes are two capitals; CLDR also lists a few that are not countries
# (EZ euro area, UN, QO, the XA/XB pseudo-locales, ZZ unknown) or are only "exceptionally
# reserved" (AC, CP, CQ, DG, EA, IC, TA). EU stays: docs/interchange.md names it a donor.
_NOT_DONORS = frozenset(
    {"EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)
# English names that people (and tables such as Kiel's, or ISO 3166's official short
# names) write where CLDR writes another; what the rules of _normal_name and _readings
# already reach (case, accents, "&", "the", "Republic of ...", inversion) is not listed.
_OTHER_NAMES = {
    "czech republic": "CZ",
    "turkey": "TR",
    "south korea": "KR",
    "korea south": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "dprk": "KP",
    "democratic people's republic of korea": "KP",
    "united states of america": "US",
    "usa": "US",
    "uk": "GB",
    "great britain": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "russian federation": "RU",
    "slovak republic": "SK",
    "kyrgyz republic": "KG",
    "syrian arab republic": "SY",
    "viet nam": "VN",
    "lao people's democratic republic": "LA",
    "ivory coast": "CI",
    "burma": "MM",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "republic of the congo": "CG",
    "uae": "AE",
    "cabo verde": "CV",
    "swaziland": "SZ",
    "holland": "NL",
    "taiwan, province of china": "TW",
}
# A state's form before its name ("Republic of Moldova"), longest first.
_FORMS = (
    "democratic republic of",
    "federal republic of",
    "islamic republic of",
    "united republic of",
    "grand duchy of",
    "principality of",
    "commonwealth of",
    "plurinational state of",
    "bolivarian republic of",
    "kingdom of",
    "republic of",
    "state of",
)
# The languages whose country names a hint understands (those aidledger speaks).
_NAME_LOCALES = ("en", "de", "fr", "pl", "uk")
_NOT_A_CODE = "is not an ISO 3166-1 alpha-2 country code or EU"


@functools.cache
def _territories() -> frozenset[str]:
    from babel import Locale

    codes = [str(code) for code in Locale("en").territories]
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha()) - _NOT_DONORS


def is_territory(code: str) -> bool:
    """Whether *code* is an ISO 3166-1 alpha-2 code known to CLDR, or ``EU``."""
    return code in _territories()


def check_territory(code: str) -> str:
    """Return *code* if it names a country (or ``EU``), else raise ``ValueError`` with a
    reason and, where one helps, a hint (``'us'``: did you mean ``'US'``?)."""
    try:
        return check_territory_code(code)
    except ValueError as error:
        raise ValueError(f"{error}{territory_hint(code)}") from None


def check_territory_code(code: str) -> str:
    """:func:`check_territory` without the hint (which :func:`territory_hint` gives): the
    quick verdict a reader of many values needs."""
    if code in _territories():
        return code
    if code.upper() in _territories():
        raise ValueError("is not an ISO 3166-1 alpha-2 code")
    raise ValueError(_NOT_A_CODE)


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
_DOTTED = re.compile(r"(?<=\b\w)\.")  # the dots of U.S., U.K.
# Words written more than one way: CLDR writes "St. Lucia", lists "Saint Lucia".
_WORDS = {"saint": "st", "st.": "st", "rep.": "republic", "rep": "republic"}


def _normal_name(text: str) -> str:
    """A country name without case, accents, dots of abbreviations or extra spaces, with
    one apostrophe, ``and`` for ``&`` and ``st`` for ``saint``: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _DOTTED.sub("", plain.replace("&", " and "))
    return " ".join(_WORDS.get(word, word) for word in plain.split())


@functools.cache
def _territory_names() -> dict[str, str]:
    """English country names (CLDR's, each part of one such as ``Myanmar (Burma)``, and the
    common other ones), compared as :func:`_normal_name` writes them, to codes. A name
    that could be two countries is left out."""
    from babel import Locale

    found: dict[str, set[str]] = {}
    for code, name in Locale("en").territories.items():
        if str(code) not in _territories():
            continue
        text = str(name)
        readings = [text, *re.findall(r"\(([^)]*)\)", text), re.sub(r"\s*\([^)]*\)", "", text)]
        for reading in readings:
            found.setdefault(_normal_name(reading), set()).add(str(code))
    for name, code in _OTHER_NAMES.items():
        found.setdefault(_normal_name(name), set()).add(code)
    return {name: codes.pop() for name, codes in found.items() if len(codes) == 1}


def _readings(key: str) -> list[str]:
    """*key* (a normal name) and what it says without its inversion (``korea, republic
    of``), a leading ``the`` or a state's form (``republic of moldova``)."""
    found = [key]
    if key.count(",") == 1:
        name, form = (part.strip() for part in key.split(","))
        found.append(f"{form} {name}")
    for reading in list(found):
        bare = reading.removeprefix("the ")
        for form in _FORMS:
            if bare.startswith(form + " "):
                found.append(bare.removeprefix(form + " ").removeprefix("the "))
                break
        found.append(bare)
    return found


def territory_code(text: str) -> str | None:
    """The code of a country written as its code or its English name, CLDR's or a common
    other one, however written (see the module docstring): ``territory_code("Germany")``
    is ``"DE"``, ``"Czech Republic"`` ``"CZ"``, ``"Korea, Republic of"`` ``"KR"``;
    ``None`` for anything else."""
    key = " ".join(text.split())
    if len(key) == 2 and key.upper() in _territories():
        return key.upper()
    normal = _normal_name(key)
    if len(normal) == 2 and normal.upper() in _territories():
        return normal.upper()  # U.S.
    names = _territory_names()
    for reading in _readings(normal):
        code = names.get(reading)
        if code is not None:
            return code
    return None


@functools.cache
def _aliases() -> dict[str, str]:
    """Codes CLDR maps to one current code: ISO alpha-3 (``DEU``), numeric (``276``) and
    retired ones (``UK``, ``DD``)."""
    from babel.core import get_global

    aliases: dict[str, str] = {}
    for alias, targets in get_global("territory_aliases").items():
        if len(targets) == 1 and targets[0] in _territories():
            aliases[str(alias)] = str(targets[0])
    return aliases


@functools.cache
def _all_names() -> dict[str, frozenset[str]]:
    """Country names in the languages aidledger speaks, casefolded, to their codes."""
    from babel import Locale

    names: dict[str, set[str]] = {}
    for language in _NAME_LOCALES:
        for code, name in Locale(language).territories.items():
            if str(code) in _territories():
                names.setdefault(" ".join(str(name).casefold().split()), set()).add(str(code))
    for name, code in _OTHER_NAMES.items():
        names.setdefault(name, set()).add(code)
    return {name: frozenset(codes) for name, codes in names.items()}


def _guess_territory(text: str) -> list[str]:
    key = " ".join(text.split())
    if not key:
        return []
    if key.upper() in _territories():
        return [key.upper()]
    if key.upper() in _aliases():
        return [_aliases()[key.upper()]]
    folded = key.casefold()
    names = _all_names()
    if folded in names:
        return sorted(names[folded])
    if len(folded) >= 3 and folded.isalpha():
        # The start of exactly one country's name ("GER", "Czech", "Deutsch").
        starts = {
            code for name, codes in names.items() if name.startswith(folded) for code in codes
        }
        if len(starts) == 1:
            return sorted(starts)
    if len(folded) >= 5:
        near = closest(folded, names, bound=max(1, len(folded) // 5))
        return sorted({code for name in near for code in names[name]})
    return []


def territory_hint(text: str) -> str:
    """`` (did you mean 'DE'?)`` for a text that names a country without being its code
    (``de``, ``Germany``, ``DEU``, ``GER``, ``UK``), else ``""``."""
    return did_you_mean(_guess_territory(text))


@functools.cache
def _current_currencies() -> tuple[str, ...]:
    """The currencies legal tender somewhere today (CLDR), the likely meaning of a typo."""
    from babel.core import get_global

    current = {
        code
        for spans in get_global("territory_currencies").values()
        for code, _, end, tender in spans
        if end is None and tender and is_currency(code)
    }
    return tuple(sorted(current))


@functools.cache
def _currency_names() -> dict[str, str]:
    from babel import Locale

    return {
        str(name).casefold(): str(code)
        for code, name in Locale("en").currencies.items()
        if is_currency(str(code))
    }


def currency_hint(text: str) -> str:
    """`` (did you mean 'EUR'?)`` for a text close to a currency code or that is a
    currency's English name (``eur``, ``EURO``, ``Euro``, ``UDS``), else ``""``."""
    key = " ".join(text.split())
    if not key:
        return ""
    if is_currency(key.upper()):
        return did_you_mean([key.upper()])
    name = _currency_names().get(key.casefold())
    if name is not None:
        return did_you_mean([name])
    if len(key) > 5:
        return ""
    return did_you_mean(closest(key.upper(), _current_currencies(), bound=1))


def check_currency_code(code: str) -> str:
    """Return *code* if it is a currency code, else raise ``ValueError`` with the reason of
    :func:`aidledger.money.check_currency` (without its hint: see :func:`currency_hint`)."""
    if is_currency(code):
        return code
    try:
        check_currency(code)
    except ValueError as error:
        reason = str(error)
        cut = reason.find(" (did you mean")
        raise ValueError(reason if cut < 0 else reason[:cut]) from None
    return code
