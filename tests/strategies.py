"""Hypothesis strategies for every property test: records, ledgers and rate tables.

Generated ledgers respect the load rules (a pledge keeps its donor, recipient, system and
part_of; delivered figures never exceed totals) and otherwise range widely: histories with
ties, packages nested or cyclic, links to missing pledges, undisclosed values, several
currencies, every status.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import strategies as st

from aidledger import UNDISCLOSED, Record, Status

DONORS = ("US", "FR", "DE", "GB", "EU")
CURRENCIES = ("USD", "EUR", "GBP", "JPY")
SYSTEMS = ("himars", "nasams", "patriot", "bradley", "leopard-2", "Mystery Launcher")
#: How each system may be written: the records of one pledge may spell it differently.
SPELLINGS = {
    "himars": ("himars", "HIMARS", "M142 HIMARS"),
    "nasams": ("nasams", "NASAMS"),
    "patriot": ("patriot", "MIM-104 Patriot"),
    "bradley": ("Bradley", "M2A2 Bradley", "M2A2 ODS Bradley IFV"),
    "leopard-2": ("Leopard 2A4", "Leopard 2A6", "leopard-2"),
    "Mystery Launcher": ("Mystery Launcher",),
}
FIRST_DAY = datetime.date(2022, 2, 24)

dates = st.integers(min_value=0, max_value=40).map(
    lambda n: FIRST_DAY + datetime.timedelta(days=n)
)
amounts = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(Decimal),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**3, places=7, allow_nan=False, allow_infinity=False),
)
quantities = st.integers(min_value=0, max_value=500)
#: Characters a ledger's text can hold: any but NUL and lone surrogates (docs/interchange.md).
characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def texts(max_size: int | None = None) -> st.SearchStrategy[str]:
    """Text a ledger can hold."""
    return st.text(alphabet=characters, max_size=max_size)


@st.composite
def pledge_shapes(draw: st.DrawFn, ids: list[str]) -> dict[str, dict[str, object]]:
    """The fixed attributes of each pledge id: donor, recipient, system, part_of."""
    shapes = {}
    for pledge in ids:
        shapes[pledge] = {
            "donor": draw(st.sampled_from(DONORS)),
            "recipient": draw(st.sampled_from(("UA", "UA", "MD"))),
            "system": draw(st.one_of(st.none(), st.sampled_from(SYSTEMS))),
            "part_of": draw(
                st.one_of(st.none(), st.none(), st.sampled_from([*ids, "missing-package"]))
            ),
        }
    return shapes


@st.composite
def snapshot(draw: st.DrawFn, pledge: str, shape: dict[str, object]) -> Record:
    """One record of *pledge*: any status, any disclosed or undisclosed figures."""
    status = draw(st.sampled_from(list(Status)))
    quantity = draw(st.one_of(st.none(), quantities))
    amount = draw(st.one_of(st.none(), amounts))
    delivered_quantity = draw(
        st.one_of(
            st.none(),
            st.just(UNDISCLOSED),
            st.integers(0, quantity) if quantity is not None else quantities,
        )
    )
    delivered_amount = draw(
        st.one_of(
            st.none(),
            st.just(UNDISCLOSED),
            amounts if amount is None else amounts.map(lambda a: min(a, amount)),
        )
    )
    currency = None
    if amount is not None or isinstance(delivered_amount, Decimal) or draw(st.booleans()):
        currency = draw(st.sampled_from(CURRENCIES))
    system = shape["system"]
    written = None if system is None else draw(st.sampled_from(SPELLINGS[str(system)]))
    return Record(
        id=pledge,
        date=draw(dates),
        status=status,
        quantity=quantity,
        amount=amount,
        currency=currency,
        delivered_quantity=delivered_quantity,
        delivered_amount=delivered_amount,
        source=draw(st.one_of(st.none(), texts(max_size=8))),
        donor=shape["donor"],  # type: ignore[arg-type]
        recipient=shape["recipient"],  # type: ignore[arg-type]
        part_of=shape["part_of"],  # type: ignore[arg-type]
        system=written,
    )


@st.composite
def record_lists(
    draw: st.DrawFn, min_pledges: int = 0, max_pledges: int = 8, prefix: str = "p"
) -> list[Record]:
    """The records of a ledger, in input order."""
    count = draw(st.integers(min_pledges, max_pledges))
    ids = [f"{prefix}{n}" for n in range(count)]
    shapes = draw(pledge_shapes(ids))
    records = []
    for pledge in ids:
        history = draw(st.integers(1, 4))
        records.extend(draw(snapshot(pledge, shapes[pledge])) for _ in range(history))
    return draw(st.permutations(records))


@st.composite
def rising_record_lists(draw: st.DrawFn, max_pledges: int = 8) -> list[Record]:
    """Top-level pledges whose histories only grow: statuses move forward from requested to
    delivered (never cancelled), and quantities and amounts never shrink."""
    order = [Status.REQUESTED, Status.CONSIDERING, Status.PLEDGED, Status.DELIVERED]
    records = []
    for n in range(draw(st.integers(0, max_pledges))):
        donor = draw(st.sampled_from(DONORS))
        system = draw(st.one_of(st.none(), st.sampled_from(SYSTEMS)))
        currency = draw(st.sampled_from(CURRENCIES))
        days = sorted(draw(st.lists(dates, min_size=1, max_size=4, unique=True)))
        steps = sorted(draw(st.lists(st.integers(0, 3), min_size=len(days), max_size=len(days))))
        quantity = draw(quantities)
        amount = draw(amounts)
        for day, step in zip(days, steps, strict=True):
            quantity += draw(st.integers(0, 5))
            amount += draw(st.integers(0, 1000))
            records.append(
                Record(
                    id=f"r{n}",
                    date=day,
                    donor=donor,
                    system=system,
                    status=order[step],
                    quantity=quantity,
                    amount=amount,
                    currency=currency,
                )
            )
    return draw(st.permutations(records))


@st.composite
def rate_rows(draw: st.DrawFn) -> list[tuple[str, str, str, str]]:
    """Rows of a rates file: distinct (date, base, quote), positive rates."""
    keys = draw(
        st.lists(
            st.tuples(
                dates,
                st.sampled_from(CURRENCIES),
                st.sampled_from(CURRENCIES),
            ).filter(lambda k: k[1] != k[2]),
            unique=True,
            max_size=12,
        )
    )
    rows = []
    for day, base, quote in keys:
        rate = draw(
            st.decimals(min_value=Decimal("0.0001"), max_value=1000, places=4, allow_nan=False)
        )
        rows.append((day.isoformat(), base, quote, format(rate, "f")))
    return rows


@st.composite
def wide_records(draw: st.DrawFn, max_pledges: int = 6) -> list[Record]:
    """Records whose text fields hold anything a file must carry: unicode, commas, quotes,
    newlines, leading spaces, formula-like starts; amounts with many decimal places."""
    text = texts(max_size=12)
    ids = draw(
        st.lists(texts(max_size=10).filter(bool), min_size=0, max_size=max_pledges, unique=True)
    )
    records = []
    for pledge in ids:
        shape = {
            "donor": draw(st.sampled_from(DONORS)),
            "recipient": draw(st.sampled_from(("UA", "MD"))),
            "system": draw(st.one_of(st.none(), st.sampled_from(SYSTEMS), text)),
            "part_of": draw(st.one_of(st.none(), st.sampled_from(ids), text)),
        }
        for _ in range(draw(st.integers(1, 3))):
            amount = draw(
                st.one_of(
                    st.none(),
                    amounts,
                    st.decimals(min_value=0, max_value=10**6, places=20, allow_nan=False),
                )
            )
            records.append(
                Record(
                    id=pledge,
                    date=draw(dates),
                    status=draw(st.sampled_from(list(Status))),
                    quantity=draw(st.one_of(st.none(), quantities)),
                    amount=amount,
                    currency=draw(st.sampled_from(CURRENCIES)) if amount is not None else None,
                    delivered_quantity=draw(st.one_of(st.none(), st.just(UNDISCLOSED))),
                    delivered_amount=draw(st.one_of(st.none(), st.just(UNDISCLOSED))),
                    authority=draw(st.one_of(st.none(), text)),
                    source=draw(st.one_of(st.none(), text)),
                    note=draw(st.one_of(st.none(), text)),
                    **shape,  # type: ignore[arg-type]
                )
            )
    return records


def one_record_a_day(records: list[Record]) -> list[Record]:
    """*records* with at most one record per pledge and day, so that input order no
    longer matters (it settles only same-day ties, docs/counting-rules.md)."""
    seen: set[tuple[str, datetime.date]] = set()
    kept = []
    for record in records:
        if (record.id, record.date) not in seen:
            seen.add((record.id, record.date))
            kept.append(record)
    return kept
