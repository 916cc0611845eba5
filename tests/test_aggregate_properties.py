"""Property tests of the counting rules (docs/counting-rules.md) on generated ledgers."""

from __future__ import annotations

import datetime
import itertools
from collections import Counter
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from aidledger import Ledger, Record, Status
from tests import strategies as s
from tests.reference import reference_summary, summary_as_plain

AS_OF = st.integers(min_value=-1, max_value=42).map(
    lambda n: s.FIRST_DAY + datetime.timedelta(days=n)
)


def _plain(
    records: list[Record], as_of: datetime.date
) -> dict[tuple[str, str], dict[str, object]]:
    return summary_as_plain(Ledger(records).summarize(as_of=as_of))


@given(records=s.record_lists(), as_of=AS_OF)
def test_matches_the_reference_implementation(records: list[Record], as_of: datetime.date) -> None:
    ledger = Ledger(records)
    expected = reference_summary(records, as_of, ledger.catalog.resolve)
    assert summary_as_plain(ledger.summarize(as_of=as_of)) == expected


@given(records=s.record_lists(), as_of=AS_OF, data=st.data())
def test_order_of_records_of_distinct_dates_does_not_matter(
    records: list[Record], as_of: datetime.date, data: st.DataObject
) -> None:
    distinct = s.one_record_a_day(records)
    shuffled = data.draw(st.permutations(distinct))
    assert _plain(shuffled, as_of) == _plain(distinct, as_of)


@given(
    first=s.record_lists(prefix="a"),
    second=s.record_lists(prefix="b"),
    as_of=AS_OF,
)
def test_ledgers_with_disjoint_ids_add_up(
    first: list[Record], second: list[Record], as_of: datetime.date
) -> None:
    # Links across the two would join them; keep each half self-contained.
    first = [r for r in first if r.part_of is None or r.part_of.startswith("a")]
    second = [r for r in second if r.part_of is None or r.part_of.startswith("b")]
    both = _plain(first + second, as_of)
    parts = [_plain(first, as_of), _plain(second, as_of)]
    for donor in set(both) | set(parts[0]) | set(parts[1]):
        entries = [p[donor] for p in parts if donor in p]
        merged = both[donor]
        for field in ("committed", "delivered"):
            total: Counter[str] = Counter()
            for entry in entries:
                total.update(entry[field])  # type: ignore[arg-type]
            assert merged[field] == dict(total)
        for field in ("pledges", "undisclosed_value", "undisclosed_delivered_value"):
            assert merged[field] == sum(entry[field] for entry in entries)  # type: ignore[misc]
        systems: dict[str, list[int]] = {}
        for entry in entries:
            for key, line in entry["systems"].items():  # type: ignore[attr-defined]
                systems[key] = [
                    a + b
                    for a, b in zip(systems.get(key, [0, 0, 0, 0]), line["figures"], strict=True)
                ]
        assert {key: line["figures"] for key, line in merged["systems"].items()} == systems  # type: ignore[attr-defined]
        assert sorted(merged["discussed"]) == sorted(  # type: ignore[type-var]
            item
            for entry in entries
            for item in entry["discussed"]  # type: ignore[attr-defined]
        )


@given(records=s.record_lists(), as_of=AS_OF)
def test_donors_sum_to_the_grand_total(records: list[Record], as_of: datetime.date) -> None:
    ledger = Ledger(records)
    summary = ledger.summarize(as_of=as_of)
    # Donors play no part in chains, so one donor for all gives the grand total.
    pooled = Ledger([attrs.evolve(r, donor="US") for r in records]).summarize(as_of=as_of)
    grand: Counter[str] = Counter()
    pledges = 0
    for entry in summary:
        grand.update({c: m.amount for c, m in entry.committed.items()})
        pledges += entry.pledges
        alone = ledger.summarize(as_of=as_of, donors=[entry.donor], recipients=[entry.recipient])
        assert alone.donors == (entry,)
    if records and any(r.date <= as_of for r in records):
        pooled_grand: Counter[str] = Counter()
        for total in pooled:
            assert total.donor == "US"
            pooled_grand.update({c: m.amount for c, m in total.committed.items()})
        assert dict(pooled_grand) == dict(grand)
        assert sum(total.pledges for total in pooled) == pledges


@given(records=s.record_lists(min_pledges=1), as_of=AS_OF, data=st.data())
def test_delivering_a_pledge_never_changes_committed(
    records: list[Record], as_of: datetime.date, data: st.DataObject
) -> None:
    before = Ledger(records).summarize(as_of=as_of)
    ledger = Ledger(records)
    states = {p.id: p.state(as_of) for p in ledger.pledges()}
    pledged = [r for r in states.values() if r is not None and r.status is Status.PLEDGED]
    assume(pledged)
    chosen = data.draw(st.sampled_from(pledged))
    delivered = attrs.evolve(chosen, status=Status.DELIVERED)
    after = Ledger([*records, delivered]).summarize(as_of=as_of)
    for old, new in zip(before, after, strict=True):
        assert old.committed == new.committed
        assert [(x.system, x.committed, x.undisclosed_quantity) for x in old.systems] == [
            (x.system, x.committed, x.undisclosed_quantity) for x in new.systems
        ]
        assert old.pledges == new.pledges


@given(
    records=s.record_lists(),
    extra=s.record_lists(prefix="x"),
    status=st.sampled_from(
        [Status.CANCELLED, Status.REQUESTED, Status.CONSIDERING, Status.REPORTED]
    ),
    as_of=AS_OF,
)
def test_cancelled_discussed_and_reported_never_count(
    records: list[Record], extra: list[Record], status: Status, as_of: datetime.date
) -> None:
    # New pledges that nothing else names as its package, all in a status that counts nowhere.
    uncounted = [attrs.evolve(r, status=status, part_of=None) for r in extra]
    before = Ledger(records).summarize(as_of=as_of)
    after = Ledger(records + uncounted).summarize(as_of=as_of)
    for entry in after:
        if (entry.donor, entry.recipient) in before:
            old = before[entry.donor, entry.recipient]
            assert entry.committed == old.committed
            assert entry.delivered == old.delivered
            assert entry.systems == old.systems
            assert entry.pledges == old.pledges
        else:
            assert not entry.committed and not entry.systems and entry.pledges == 0


@given(records=s.rising_record_lists(), first=AS_OF, second=AS_OF)
def test_committed_never_falls_when_nothing_is_cancelled(
    records: list[Record], first: datetime.date, second: datetime.date
) -> None:
    early, late = sorted((first, second))
    ledger = Ledger(records)
    before, after = ledger.summarize(as_of=early), ledger.summarize(as_of=late)
    for entry in before:
        later = after[entry.donor, entry.recipient]
        for currency, money in entry.committed.items():
            assert later.committed[currency].amount >= money.amount
        for line in entry.systems:
            again = later.system(line.system)
            assert again is not None and again.committed >= line.committed
        assert later.pledges >= entry.pledges


@given(records=s.record_lists())
def test_summary_defaults_to_the_latest_record_date(records: list[Record]) -> None:
    summary = Ledger(records).summarize()
    if records:
        assert summary.as_of == max(r.date for r in records)
    else:
        assert summary.as_of is None and summary.donors == ()


@given(records=s.record_lists())
def test_amounts_are_exact_sums(records: list[Record]) -> None:
    as_of = datetime.date(2030, 1, 1)
    for entry in Ledger(records).summarize(as_of=as_of):
        for money in entry.committed.values():
            assert isinstance(money.amount, Decimal)


def _exact(summary: dict[Any, dict[str, object]]) -> dict[Any, dict[str, object]]:
    """Amounts as their text: a sum is written with the decimal places of its amounts."""
    return {
        donor: {
            **entry,
            "committed": {c: str(a) for c, a in entry["committed"].items()},  # type: ignore[attr-defined]
            "delivered": {c: str(a) for c, a in entry["delivered"].items()},  # type: ignore[attr-defined]
        }
        for donor, entry in summary.items()
    }


@given(records=s.record_lists(max_pledges=10), days=st.lists(AS_OF, min_size=1, max_size=8))
def test_one_ledger_answers_every_date_like_the_reference(
    records: list[Record], days: list[datetime.date]
) -> None:
    # One engine answers all the dates, in any order; each answer is the reference's,
    # down to how each sum is written (a pledge counted and taken back leaves no trace).
    ledger = Ledger(records)
    for day in days:
        expected = reference_summary(records, day, ledger.catalog.resolve)
        assert _exact(summary_as_plain(ledger.summarize(as_of=day))) == _exact(expected)


@given(records=s.record_lists(max_pledges=10), days=st.lists(AS_OF, min_size=1, max_size=6))
def test_checkpoint_figures_are_the_summary_figures_of_their_day(
    records: list[Record], days: list[datetime.date]
) -> None:
    ledger = Ledger(records)
    engine = ledger._counting()
    parties = {(r.donor, r.recipient) for r in records}
    systems = {
        ((r.donor, r.recipient), ledger.catalog.resolve(r.system) or r.system)
        for r in records
        if r.system
    }
    for day in days:
        summary = ledger.summarize(as_of=day)
        for party in parties:
            expected = (
                {c: m.amount for c, m in summary[party].committed.items()}
                if party in summary
                else {}
            )
            assert engine.money(party, day).committed == expected
        for party, system in systems:
            line = summary[party].system(system) if party in summary else None
            assert engine.units(party, system, day) == (line.committed if line else 0)


@given(records=s.record_lists(max_pledges=10), day=AS_OF)
def test_amounts_by_commitment_date_add_up_to_the_totals(
    records: list[Record], day: datetime.date
) -> None:
    totals, _ = Ledger(records)._counting().totals(day)
    for entry in totals.values():
        for which in ("committed", "delivered"):
            added: dict[str, Decimal] = {}
            for (currency, since), amount in entry.keyed(which).items():
                assert since <= day
                added[currency] = added.get(currency, Decimal(0)) + amount
            assert added == entry.by_currency(which)


@given(records=s.record_lists(max_pledges=10))
def test_history_steps_are_the_summaries_of_their_days(records: list[Record]) -> None:
    # One currency, so that every donor's history can be drawn without rates.
    records = [attrs.evolve(r, currency="USD") if r.currency else r for r in records]
    ledger = Ledger(records)
    history = ledger.summarize().history()
    for party in {(r.donor, r.recipient) for r in records}:
        points = history.lines.get(party, ())
        for a, b in itertools.pairwise(points):  # a point where the value changes
            assert a.date < b.date and (a.committed, a.delivered) != (b.committed, b.delivered)
        for day in sorted({r.date for r in records}):
            summary = ledger.summarize(as_of=day)
            entry = summary.get(party)
            expected = (
                (Decimal(0), Decimal(0))
                if entry is None
                else tuple(
                    money["USD"].amount if "USD" in money else Decimal(0)
                    for money in (entry.committed, entry.delivered)
                )
            )
            before = [p for p in points if p.date <= day]
            got = (before[-1].committed, before[-1].delivered) if before else (0, 0)
            assert got == expected, (party, day)
