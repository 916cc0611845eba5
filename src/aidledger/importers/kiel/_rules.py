"""The rules both Kiel layouts share: the table of rules, and reading dates, donors, amounts.

Each function here reads one cell's text and says which rule of :data:`RULES` it applied
(``None``: the value was taken as written); the importers write that into the report.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
import types
import unicodedata
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from aidledger.model import territory_code
from aidledger.money import check_currency

RULES: Mapping[str, str] = types.MappingProxyType(
    {
        "until-date": "'until 7/27/2022' (M/D/Y): the date named, the phrase kept in note",
        "between-date": "'between A and B': the later date, the phrase kept in note",
        "from-until-date": "'from A until B': the later date, the phrase kept in note",
        "since-date": "'since A': the date named, the phrase kept in note",
        "dotted-date": "a date written with dots ('until 06.02.2024'): day, month, year, as "
        "a dot marks it; the phrase kept in note",
        "impossible-date": "a day its month does not have ('until 06/31/2022'): the last day "
        "of that month, the phrase kept in note",
        "month-date": "a month only ('not specified, 03/22'): its last day, kept in note",
        "no-date": "no date ('unspecified'): the date of the nearest dated row of the "
        "activity, else the day the table was retrieved (2022) or the latest date of the "
        "sheet; the text kept in note (with neither, the row is skipped)",
        "late-date": "a date after the day the table was retrieved ('2922-02-09'): "
        "treated as no date",
        "activity-date": "a row of an activity (or sub-activity) dated before its first "
        "row: the activity takes that earlier date, so that no component stands alone",
        "no-value": "a value that is not given ('.', 'Not given', 'No price'): left blank "
        "(undisclosed)",
        "not-a-number": "a value that is no plain decimal number: left blank (undisclosed)",
        "no-currency": "a value without an ISO 4217 currency: kept in note, amount blank",
        "breakdown-in-note": "a component's value when its activity has none: kept in "
        "note, not as an amount, since it would count on its own",
        "blank-units": "units '.' or blank on an item row: left blank (undisclosed)",
        "undisclosed": "units 'undisclosed': left blank (undisclosed)",
        "not-a-count": "units that are no whole number ('216.66666666666666', '1.000.00', "
        "'dozens', 'partially'): left blank, never guessed",
        "share-of-units": "a fraction of units ('41.666667': a share of a joint purchase): "
        "no whole number of units, so the count is left undisclosed, the share kept in note",
        "huge-count": "a count of more digits than any real count has: left blank, never "
        "read as a number",
        "delivered-undisclosed": "units or value delivered 'undisclosed', a share of units, "
        "or items delivered under a sub-activity with no delivered value: delivered in "
        "part, figure not disclosed (written 'undisclosed')",
        "delivered-capped": "more delivered than committed (units or value): delivered "
        "taken as the committed figure (Kiel's figure kept in note)",
        "no-system": "an item name that is not one catalog system: system left blank, the "
        "name kept in note",
        "eu-body": "an EU body ('European Peace Facility'): donor EU, the body in authority",
        "donor-spelling": "a donor name with a slip of case, spacing or accents "
        "('FInland', 'Turkiye'): the country it spells",
        "merged": "an announcement row of an announcement already recorded (or a row of a "
        "sub-activity with neither value nor item): merged into it",
        "later-value": "an activity value on a row after the activity's first: ignored",
        "repeated-sub-activity": "a second row with its own value under a sub_activity_id "
        "already used: a sub-activity of its own, '<id>-2'",
        "item-apart": "an item row apart from its sub-activity's first row: an item of it",
        "no-sub-id": "an allocation row without sub_activity_id: the activity's id names it",
        "first-row-flag": "'Total_value_dummy' disagrees with the row order: the "
        "activity's first row in the file is taken as its first",
        "mixed-aid": "an activity whose first row is of an aid type not imported: its "
        "first imported row is taken as its first",
        "source-dot": "a source URL written after a '.': the '.' removed",
        "extra-cell": "a cell beyond the header: ignored",
        "no-id": "a row without an ID: skipped",
    }
)
"""Every rule the importer applies, by the name the report counts it under."""

#: Kiel's empty cell.
EMPTY = frozenset({"", "."})
NOT_GIVEN = frozenset(
    {"not given", "no price", "undisclosed", "n/a", "na", "-", "no value available"}
)
PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
WHOLE = re.compile(r"[0-9]+")
#: No real count of units has more digits (nor fits the int64 of Arrow and Parquet).
COUNT_DIGITS = 18


def is_undisclosed(text: str) -> bool:
    """``undisclosed`` in any case, with any spaces around or inside (`` Un disclosed``)."""
    return "".join(text.split()).casefold() == "undisclosed"


def is_currency(code: str) -> bool:
    try:
        check_currency(code)
    except ValueError:
        return False
    return True


# --- dates ---------------------------------------------------------------------------------

_YEAR = r"([0-9]{4}|[0-9]{2})"
_MDY = rf"([0-9]{{1,2}})/([0-9]{{1,2}})/{_YEAR}"
_DMY = rf"([0-9]{{1,2}})\.([0-9]{{1,2}})\.{_YEAR}"
_DAY = rf"(?:{_MDY}|{_DMY})"
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00)?)?")
_AS_WRITTEN = re.compile(_DAY)
_UNTIL = re.compile(rf"until\s+{_DAY}", re.IGNORECASE)
_SINCE = re.compile(rf"since\s+{_DAY}", re.IGNORECASE)
_BETWEEN = re.compile(rf"between\s+{_DAY}\s*(?:&|and|-)\s*{_DAY}", re.IGNORECASE)
_FROM = re.compile(rf"from\s+{_DAY}\s*(?:until|till|to|-)\s*{_DAY}", re.IGNORECASE)
_MONTH = re.compile(r"[a-z ]*,?\s*([0-9]{1,2})/([0-9]{4}|[0-9]{2})", re.IGNORECASE)


class _Day(NamedTuple):
    date: datetime.date | None
    how: str | None  # "dotted-date", "impossible-date" or None (as written)


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _last_day(year: int, month: int) -> datetime.date | None:
    if not 1 <= month <= 12 or year < 1:
        return None
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _day(year: str, month: str, day: str, how: str | None = None) -> _Day:
    try:
        return _Day(datetime.date(_year(year), int(month), int(day)), how)
    except ValueError:
        last = _last_day(_year(year), int(month))
        if last is not None and int(day) > last.day:
            return _Day(last, "impossible-date")
        return _Day(None, None)


def _groups(groups: tuple[str | None, ...]) -> _Day:
    """The day of one ``_DAY`` match's six groups: M/D/Y or D.M.Y."""
    month, day, year, dotted_day, dotted_month, dotted_year = groups
    if month is not None and day is not None and year is not None:
        return _day(year, month, day)
    assert dotted_day is not None and dotted_month is not None and dotted_year is not None
    return _day(dotted_year, dotted_month, dotted_day, "dotted-date")


def read_date(text: str) -> tuple[datetime.date | None, str | None]:
    """The date an announcement date names, and the rule used (``None``: as written).

    ``2022-03-01`` and ``3/1/2022`` (M/D/Y) are taken as written; the phrases, dotted
    dates and impossible days each have their rule of :data:`RULES`.
    """
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        found = _day(*match.groups())
        return found.date, found.how
    phrase: str | None = None
    if match := _AS_WRITTEN.fullmatch(text):
        found = _groups(match.groups())
    elif match := _UNTIL.fullmatch(text):
        found, phrase = _groups(match.groups()), "until-date"
    elif match := _BETWEEN.fullmatch(text):
        found, phrase = _groups(match.groups()[6:]), "between-date"
    elif match := _FROM.fullmatch(text):
        found, phrase = _groups(match.groups()[6:]), "from-until-date"
    elif match := _SINCE.fullmatch(text):
        found, phrase = _groups(match.groups()), "since-date"
    elif match := _MONTH.fullmatch(text):
        month, year = match.groups()
        return _last_day(_year(year), int(month)), "month-date"
    else:
        return None, None
    return found.date, (found.how or phrase) if found.date is not None else phrase


def nearest_dated(days: Sequence[datetime.date | None], number: int) -> int | None:
    """The position of the dated row nearest to row *number*: the closest above, else the
    closest below; ``None`` when no row is dated."""
    above = next((k for k in range(number - 1, -1, -1) if days[k] is not None), None)
    if above is not None:
        return above
    return next((k for k in range(number + 1, len(days)) if days[k] is not None), None)


# --- donors --------------------------------------------------------------------------------

# EU institutions: donor EU, the body in authority.
_EU_BODIES = {
    "eu (commission and council)": "EU (Commission and Council)",
    "european peace facility": "European Peace Facility",
    "european investment bank": "European Investment Bank",
    "european commission": "European Commission",
    "council of the european union": "Council of the European Union",
}


def _folded(name: str) -> str:
    """A name without case, accents or extra spaces: ``Türkiye`` and ``turkiye`` agree."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@functools.cache
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """CLDR's English country names: as written -> code, and folded -> code."""
    from babel import Locale

    exact: dict[str, str] = {}
    for code, name in Locale("en").territories.items():
        if territory_code(str(name)) == code:
            exact[str(name)] = str(code)
    return exact, {_folded(name): code for name, code in exact.items()}


class Donor(NamedTuple):
    code: str
    authority: str | None  # the EU body, for the EU's institutions
    rule: str | None  # "eu-body", "donor-spelling" or None (a name as CLDR writes it)


def read_donor(name: str) -> Donor | None:
    """The donor a name says: a country CLDR names in English (or a name the tables use
    for one, ``Czech Republic``), in any case, spacing and accents, or an EU body;
    ``None`` for anything else."""
    folded = _folded(name)
    if folded in _EU_BODIES:
        return Donor("EU", _EU_BODIES[folded], "eu-body")
    exact, by_folded = _names()
    code = territory_code(name) or by_folded.get(folded)
    if code is None:
        return None
    # A name CLDR writes otherwise only in case, spaces or accents is a slip ('FInland');
    # other names a table uses ('Czech Republic', 'South Korea') are not.
    written = name.strip()
    slip = written not in exact and (folded in by_folded or " ".join(written.split()) != written)
    return Donor(code, None, "donor-spelling" if slip else None)
