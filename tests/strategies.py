"""Hypothesis strategies for every property test: records, ledgers and rate tables.

Generated ledgers respect the load rules (a pledge keeps its donor, recipient, system and
part_of; delivered figures never exceed totals) and otherwise range widely: histories with
ties, packages nested or cyclic, links to missing pledges, undisclosed values, several
currencies, every status. :func:`adversarial_records` goes further, for the rules that
are hard to get right on arrays: few dates (so many same-day ties), long chains and
cycles of packages, links to pledges that appear later or never, amounts of 75 digits.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import strategies as st

from aidledger import UNDISCLOSED, Record, Status
from aidledger.fx import RateTable

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
def full_rate_tables(draw: st.DrawFn) -> RateTable:
    """A rate from every currency to EUR on the first day, and maybe later ones."""
    rows = []
    for currency in CURRENCIES:
        if currency == "EUR":
            continue
        for day in sorted([*draw(st.lists(dates, max_size=3, unique=True)), FIRST_DAY]):
            rate = draw(
                st.decimals(min_value=Decimal("0.001"), max_value=1000, places=4, allow_nan=False)
            )
            rows.append((day.isoformat(), currency, "EUR", format(rate, "f")))
    unique = {(d, b, q): r for d, b, q, r in rows}
    return RateTable.from_rows([(d, b, q, r) for (d, b, q), r in unique.items()])


#: Amounts with many digits: up to 45 before the point and 30 after (75 in all), more
#: than any machine integer or Arrow decimal holds.
wide_amounts = st.builds(
    lambda whole, fraction: Decimal(f"{whole}.{fraction}" if fraction else str(whole)),
    st.integers(min_value=0, max_value=10**45 - 1),
    st.text(alphabet="0123456789", max_size=30),
)


@st.composite
def adversarial_records(draw: st.DrawFn, max_pledges: int = 14) -> list[Record]:
    """A ledger shaped to break columnar shortcuts: two or three dates for every record
    (same-day ties everywhere, decided by input order), packages in a long chain, on a
    cycle, naming themselves or pledges that appear later or never, ``reported`` and
    other donors' packages, statuses in any order, and 75-digit amounts."""
    count = draw(st.integers(2, max_pledges))
    ids = [f"x{n}" for n in range(count)]
    days = draw(st.lists(dates, min_size=1, max_size=3, unique=True))
    shape = draw(st.sampled_from(["chain", "cycle", "loose"]))
    links: dict[str, str | None] = {}
    for position, pledge in enumerate(ids):
        if shape == "chain":
            links[pledge] = ids[position + 1] if position + 1 < count else None
        elif shape == "cycle":
            links[pledge] = ids[(position + 1) % count]
        else:
            links[pledge] = draw(st.sampled_from([None, pledge, "nowhere", *ids]))
    # A few links elsewhere: into the chain or cycle, to itself, to nothing.
    for pledge in draw(st.lists(st.sampled_from(ids), max_size=3)):
        links[pledge] = draw(st.sampled_from([None, pledge, "nowhere", *ids]))
    records = []
    for pledge in ids:
        donor = draw(st.sampled_from(DONORS[:2]))
        system = draw(st.one_of(st.none(), st.sampled_from(SYSTEMS[:2])))
        currency = draw(st.sampled_from(CURRENCIES))
        for _ in range(draw(st.integers(1, 4))):
            amount = draw(st.one_of(st.none(), amounts, wide_amounts))
            quantity = draw(st.one_of(st.none(), quantities))
            delivered = draw(st.one_of(st.none(), st.just(UNDISCLOSED), amounts, wide_amounts))
            if isinstance(delivered, Decimal) and amount is not None:
                delivered = min(delivered, amount)
            records.append(
                Record(
                    id=pledge,
                    date=draw(st.sampled_from(days)),
                    donor=donor,
                    system=None if system is None else draw(st.sampled_from(SPELLINGS[system])),
                    status=draw(st.sampled_from(list(Status))),
                    quantity=quantity,
                    amount=amount,
                    currency=currency,
                    delivered_quantity=draw(
                        st.one_of(st.none(), st.just(UNDISCLOSED), st.integers(0, quantity or 0))
                    ),
                    delivered_amount=delivered,
                    part_of=links[pledge],
                    source=draw(st.sampled_from([None, "a", 'b, "c"\nd'])),
                )
            )
    return draw(st.permutations(records))


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


#: Every kind of generated ledger, for properties that should hold on all of them.
any_records = st.one_of(
    record_lists(), wide_records(), rising_record_lists(), adversarial_records()
)
