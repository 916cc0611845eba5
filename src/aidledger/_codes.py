"""Country and currency codes: which ones a ledger takes, and which one a text that is
not a code probably meant (CLDR, through babel).

A donor written ``Germany``, ``germany``, ``Deutschland``, ``DEU`` (ISO 3166-1 alpha-3),
``GER`` (the start of one country's name) or ``UK`` (an alias CLDR keeps) is not a code,
but the message can say which code it means; a currency ``EURO`` or ``Euro`` likewise.
"""

from __future__ import annotations

import functools

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
# English names that people (and tables such as Kiel's) write where CLDR writes another.
_OTHER_NAMES = {
    "czech republic": "CZ",
    "turkey": "TR",
    "south korea": "KR",
    "republic of korea": "KR",
    "united states of america": "US",
    "usa": "US",
    "uk": "GB",
    "great britain": "GB",
}
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


@functools.cache
def _territory_names() -> dict[str, str]:
    """English country names (CLDR's and the common other ones) to codes."""
    from babel import Locale

    names = {
        str(name).casefold(): str(code)
        for code, name in Locale("en").territories.items()
        if str(code) in _territories()
    }
    names.update(_OTHER_NAMES)
    return names


def territory_code(text: str) -> str | None:
    """The code of a country written as its code or its English name, CLDR's or a common
    other one: ``territory_code("Germany")`` is ``"DE"``, ``"Czech Republic"`` ``"CZ"``;
    ``None`` for anything else."""
    key = " ".join(text.split())
    if len(key) == 2 and key.upper() in _territories():
        return key.upper()
    return _territory_names().get(key.casefold())


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
