"""The bundled ledger's facts, pinned: they are sourced, and the tests keep them so."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

import aidledger
from aidledger import Status

D = datetime.date


@pytest.fixture(scope="module")
def ledger() -> aidledger.Ledger:
    return aidledger.bundled()


def test_us_committed_as_of_2022_12_21(ledger: aidledger.Ledger) -> None:
    us = ledger.summarize(as_of=D(2022, 12, 21))["US"]
    assert us.committed["USD"].amount == Decimal("20870000000")
    assert list(us.committed) == ["USD"]


@pytest.mark.parametrize(("system", "units"), [("himars", 38), ("nasams", 8), ("patriot", 1)])
def test_systems_committed_by_the_end_of_2022(
    ledger: aidledger.Ledger, system: str, units: int
) -> None:
    line = ledger.summarize(as_of=D(2022, 12, 31))["US"].system(system)
    assert line is not None
    assert (line.committed, line.delivered, line.undisclosed_quantity) == (units, 0, 0)


def test_himars_build_up(ledger: aidledger.Ledger) -> None:
    def himars(day: datetime.date) -> int:
        line = ledger.summarize(as_of=day)["US"].system("himars")
        return 0 if line is None else line.committed

    assert [himars(D(2022, 5, 31)), himars(D(2022, 6, 1)), himars(D(2022, 7, 8))] == [0, 4, 12]
    assert [himars(D(2022, 7, 22)), himars(D(2022, 9, 28)), himars(D(2022, 10, 4))] == [16, 34, 38]


def test_the_bradley_is_discussed_then_committed(ledger: aidledger.Ledger) -> None:
    before = ledger.summarize(as_of=D(2023, 1, 5))["US"]
    assert before.system("bradley") is None
    (bradley,) = [d for d in before.discussed if d.system == "bradley"]
    assert (bradley.id, bradley.status, bradley.date) == (
        "us-pda-29.bradley",
        Status.CONSIDERING,
        D(2023, 1, 4),
    )
    after = ledger.summarize(as_of=D(2023, 1, 6))["US"]
    assert after.system("bradley").committed == 50  # type: ignore[union-attr]
    assert not [d for d in after.discussed if d.system == "bradley"]
    assert after.committed["USD"].amount == Decimal("20870000000") + 2850000000 + 225000000


def test_frances_amx_10_rc_is_an_undisclosed_commitment(ledger: aidledger.Ledger) -> None:
    france = ledger.summarize(as_of=D(2023, 1, 5))["FR"]
    assert (france.pledges, france.undisclosed_value) == (1, 1)
    assert dict(france.committed) == {}
    amx = france.system("amx-10-rc")
    assert amx is not None
    assert (amx.committed, amx.undisclosed_quantity) == (0, 1)


def test_ukraines_requests_are_listed_not_counted(ledger: aidledger.Ledger) -> None:
    summary = ledger.summarize(as_of=D(2023, 1, 5))
    assert [(d.system, d.status) for d in summary["DE"].discussed] == [
        ("leopard-2", Status.REQUESTED)
    ]
    assert ("abrams", Status.REQUESTED) in [(d.system, d.status) for d in summary["US"].discussed]
    assert summary["DE"].pledges == 0


def test_the_seed_checkpoint_shows_its_gap(ledger: aidledger.Ledger) -> None:
    us = ledger.summarize(as_of=D(2023, 1, 5))["US"]
    seed = next(c for c in us.checkpoints if c.date == D(2023, 1, 5))
    assert seed.stated == Decimal("21300000000")
    assert seed.ledger == Decimal("20870000000")
    assert seed.difference == Decimal("-430000000")
    assert seed.tolerance == Decimal("50000000")
    assert seed.within_tolerance is False


def test_the_himars_checkpoints_reconcile(ledger: aidledger.Ledger) -> None:
    us = ledger.summarize(as_of=D(2023, 1, 6))["US"]
    himars = [(c.date, c.stated, c.ledger) for c in us.checkpoints if c.system == "himars"]
    assert himars == [(D(2022, 7, 8), 12, 12), (D(2022, 7, 22), 16, 16)]


def test_every_record_cites_a_source_and_nothing_is_delivered(ledger: aidledger.Ledger) -> None:
    for record in ledger:
        assert record.source, record.id
        assert record.status is not Status.DELIVERED
        assert record.system is None or record.system in ledger.catalog, record.system


def test_items_carry_no_money_and_name_a_package_of_their_donor(ledger: aidledger.Ledger) -> None:
    ids = {record.id: record for record in ledger}
    for record in ledger:
        if record.part_of is not None:
            assert record.amount is None
            assert ids[record.part_of].donor == record.donor
