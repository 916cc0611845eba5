"""The ledger: building, appending (all or nothing), pledge histories."""

from __future__ import annotations

import datetime
import gc
import pathlib

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import aidledger
from aidledger import Ledger, LoadError, Money, RateNotFoundError, Record, Status
from tests import strategies as s
from tests.reference import reference_summary, summary_as_plain

D = datetime.date


def _record(**fields: object) -> Record:
    values: dict[str, object] = {
        "id": "p",
        "date": "2023-01-01",
        "donor": "US",
        "status": "pledged",
    }
    values.update(fields)
    return Record(**values)  # type: ignore[arg-type]


def test_an_empty_ledger_summarizes_to_nothing() -> None:
    ledger = Ledger()
    assert len(ledger) == 0
    assert ledger.summarize().donors == ()
    assert ledger.dates is None


def test_records_keep_input_order_and_their_system_names_as_written() -> None:
    ledger = Ledger(
        [_record(id="b", system="M142 HIMARS"), _record(id="a", system="Flying Carpet")]
    )
    assert [r.id for r in ledger] == ["b", "a"]
    assert ledger[0].system == "M142 HIMARS"  # as written; the pledge knows its key
    assert ledger.pledge("b").system == "himars"
    assert ledger[1].system == "Flying Carpet"  # unknown names are kept as written
    assert ledger.pledge("a").system == "Flying Carpet"
    assert ledger[-1].id == "a"
    with pytest.raises(IndexError):
        ledger[2]


def test_a_pledge_is_its_history_in_date_order() -> None:
    ledger = Ledger(
        [
            _record(date="2023-01-06", status="pledged", quantity=50),
            _record(date="2023-01-04", status="considering"),
        ]
    )
    pledge = ledger.pledge("p")
    assert [r.status for r in pledge.records] == [Status.CONSIDERING, Status.PLEDGED]
    assert pledge.state(D(2023, 1, 5)).status is Status.CONSIDERING  # type: ignore[union-attr]
    assert pledge.state(D(2023, 1, 3)) is None
    assert pledge.commitment_date == D(2023, 1, 6)
    with pytest.raises(KeyError):
        ledger.pledge("nope")


@pytest.mark.parametrize(
    ("field", "value"),
    [("donor", "FR"), ("recipient", "MD"), ("system", "nasams"), ("part_of", "pkg")],
)
def test_a_record_that_changes_a_pledge_invariant_is_refused(field: str, value: str) -> None:
    ledger = Ledger([_record(system="himars")])
    changed = {"system": "himars", field: value}
    with pytest.raises(LoadError, match=f"{field}: '{value}' changes the pledge's {field}"):
        ledger.append([_record(date="2023-02-01", **changed)])
    assert len(ledger) == 1


def test_a_pledge_may_write_its_system_differently_from_record_to_record() -> None:
    ledger = Ledger(
        [
            _record(date="2023-01-04", system="Bradley", status="considering"),
            _record(date="2023-01-06", system="M2A2 Bradley", quantity=50),
        ]
    )
    assert [r.system for r in ledger.pledge("p").records] == ["Bradley", "M2A2 Bradley"]
    line = ledger.summarize()["US"].system("bradley")
    assert line is not None
    assert [(v.name, v.committed) for v in line.variants] == [("M2A2 Bradley", 50)]


def test_appending_a_bad_batch_leaves_the_ledger_unchanged() -> None:
    ledger = Ledger([_record(id="a", amount="5", currency="USD")])
    before = ledger.summarize(as_of="2023-12-31")
    good = _record(id="b", amount="7", currency="USD")
    bad = _record(id="a", donor="FR", date="2023-03-01")
    with pytest.raises(LoadError):
        ledger.append([good, bad])
    assert len(ledger) == 1
    assert ledger.summarize(as_of="2023-12-31") == before
    with pytest.raises(LoadError, match="is not a Record"):
        ledger.append([good, "not a record"])  # type: ignore[list-item]
    assert len(ledger) == 1
    ledger.append([good])
    assert ledger.summarize(as_of="2023-12-31")["US"].committed["USD"].amount == 12


def test_append_accepts_another_ledger() -> None:
    ledger = Ledger([_record(id="a")])
    ledger.append(Ledger([_record(id="b")]))
    assert [r.id for r in ledger] == ["a", "b"]


def test_summary_can_be_limited_to_donors() -> None:
    ledger = Ledger([_record(id="a"), _record(id="b", donor="FR")])
    assert [d.donor for d in ledger.summarize(donors=["FR"])] == ["FR"]
    assert [d.donor for d in ledger.summarize(donors="US")] == ["US"]
    assert "US" in ledger.summarize()
    assert len(ledger.summarize()) == 2


def test_a_reporting_currency_needs_rates_only_to_convert() -> None:
    ledger = Ledger([_record(amount="5", currency="EUR")])
    assert ledger.summarize(currency="EUR")["US"].committed_total == Money("5.00", "EUR")
    with pytest.raises(
        RateNotFoundError,
        match="no EUR->USD exchange rate: no rates were given, needed for pledge 'p' \\(committed 2023-01-01\\)",
    ):
        ledger.summarize(currency="USD")
    with pytest.raises(ValueError, match="is not an ISO 4217 currency code"):
        ledger.summarize(currency="EURO")


def test_a_checkpoint_counts_a_chain_that_runs_into_a_cycle_like_the_summary() -> None:
    # p -> q -> c, and c <-> d is a cycle: c's link is ignored, so the walk from p stops
    # at c and d (cancelled) does not hold p back. Three units count, on both sides.
    day = datetime.date(2023, 1, 1)
    parts = {"p": ("q", "pledged"), "q": ("c", "pledged"), "c": ("d", "pledged")}
    parts["d"] = ("c", "cancelled")
    records = [
        Record(id=pledge, date=day, donor="US", system="himars", quantity=1,
               status=status, part_of=package)
        for pledge, (package, status) in parts.items()
    ]  # fmt: skip
    records.append(
        Record(id="stated", date=day, donor="US", system="himars", quantity=3, status="reported")
    )
    entry = Ledger(records).summarize()["US"]
    assert entry.system("himars").committed == 3  # type: ignore[union-attr]
    (check,) = entry.checkpoints
    assert (check.ledger, check.difference) == (3, 0)


def test_unit_counts_beyond_64_bits_stay_exact() -> None:
    # The engine keeps running unit counts in machine arrays while they fit.
    day = datetime.date(2023, 1, 1)
    huge = 2**70
    records = [
        Record(id=pledge, date=day + datetime.timedelta(days=offset), donor="US",
               system="himars", quantity=huge, status="pledged")
        for offset, pledge in enumerate(("a", "b"))
    ]  # fmt: skip
    ledger = Ledger(records)
    assert ledger.summarize(as_of=day)["US"].system("himars").committed == huge  # type: ignore[union-attr]
    assert ledger.summarize()["US"].system("himars").committed == 2 * huge  # type: ignore[union-attr]


def test_loading_and_summarizing_leave_the_garbage_collector_as_they_were(
    tmp_path: pathlib.Path,
) -> None:
    # Loading and the engine pause the cyclic collector while they build columns and sums.
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("id,date,donor,amount,currency,status\na,2023-01-01,US,1,USD,pledged\n")
    bad.write_text("id,date,donor,amount,currency,status\na,2023-13-01,US,1,USD,pledged\n")
    assert gc.isenabled()
    ledger = aidledger.load(good)
    assert gc.isenabled()
    with pytest.raises(LoadError):
        aidledger.load(bad)
    assert gc.isenabled()
    ledger.summarize()
    assert gc.isenabled()
    gc.disable()
    try:
        Ledger(ledger.records).summarize()
        assert not gc.isenabled()
    finally:
        gc.enable()


class AppendingBatches(RuleBasedStateMachine):
    """Append random batches, good and bad; the ledger always matches a plain list model."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger()
        self.model: list[Record] = []

    @rule(batch=s.record_lists(max_pledges=3))
    def append_a_batch(self, batch: list[Record]) -> None:
        resolve = self.ledger.catalog.resolve

        def shape(record: Record) -> tuple[object, ...]:
            system = None if record.system is None else resolve(record.system) or record.system
            return (record.donor, record.recipient, system, record.part_of)

        known = {r.id: r for r in self.model}
        conflict = any(r.id in known and shape(r) != shape(known[r.id]) for r in batch)
        if conflict:
            with pytest.raises(LoadError):
                self.ledger.append(batch)
        else:
            self.ledger.append(batch)
            self.model.extend(batch)

    @rule(data=st.data())
    def append_a_batch_with_one_bad_record(self, data: st.DataObject) -> None:
        if not self.model:
            return
        victim = data.draw(st.sampled_from(self.model))
        other = "FR" if victim.donor != "FR" else "DE"
        batch = [
            *data.draw(s.record_lists(max_pledges=2, prefix="q")),
            attrs.evolve(victim, donor=other),
        ]
        with pytest.raises(LoadError):
            self.ledger.append(batch)

    @invariant()
    def matches_the_model(self) -> None:
        assert len(self.ledger) == len(self.model)
        as_of = D(2022, 3, 20)
        expected = reference_summary(self.model, as_of, self.ledger.catalog.resolve)
        got = summary_as_plain(self.ledger.summarize(as_of=as_of))
        assert got == expected


TestAppendingBatches = AppendingBatches.TestCase


def test_donor_summaries_compare_by_their_sources_too() -> None:
    # Sources are worked out when first read, but equality and hashing still see them.
    first = aidledger.bundled().summarize()["US"]
    again = aidledger.bundled().summarize()["US"]
    assert first == again and hash(first) == hash(again)
    assert first.sources and first.sources == tuple(sorted(first.sources))
    other = attrs.evolve(first, sources=("https://example.org/other",))
    assert other != first
    assert other.sources == ("https://example.org/other",)
