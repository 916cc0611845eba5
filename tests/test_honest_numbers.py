"""Honest numbers: deliveries whose figures are not known stay unknown, each recipient
apart, and the system as written kept beside the key that counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given

import aidledger
from aidledger import UNDISCLOSED, FieldError, Ledger, LoadError, Record
from tests import strategies as s

HEADER = "id,date,donor,recipient,system,quantity,amount,currency,delivered_quantity,delivered_amount,status,part_of\n"


def _load(tmp_path: Path, body: str, name: str = "ledger.csv") -> Ledger:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return aidledger.load(path)


# --- deliveries whose figures are not known --------------------------------------------


def test_undisclosed_is_a_delivered_figure_of_its_own() -> None:
    record = Record(id="p", date="2023-01-05", donor="US", system="HIMARS", quantity=4,
                    status="pledged", delivered_quantity="undisclosed",
                    delivered_amount=UNDISCLOSED)  # fmt: skip
    assert record.delivered_quantity is UNDISCLOSED
    assert record.delivered_amount is UNDISCLOSED
    assert record.delivered_money is None  # needs no currency, has no value
    with pytest.raises(FieldError, match="quantity: 'undisclosed'"):
        Record(id="p", date="2023-01-05", donor="US", status="pledged", quantity="undisclosed")


def test_a_delivery_of_unknown_number_is_counted_apart_never_as_zero(tmp_path: Path) -> None:
    ledger = _load(
        tmp_path,
        "a,2023-01-05,US,,HIMARS,,,,,,delivered,\n"  # delivered, how many not given
        "b,2023-01-05,US,,HIMARS,4,,,undisclosed,,pledged,\n"  # delivered in part
        "c,2023-01-05,US,,HIMARS,6,,,2,,pledged,\n",
    )
    line = ledger.summarize()["US"].system("himars")
    assert line is not None
    assert (line.committed, line.delivered) == (10, 2)
    assert (line.undisclosed_quantity, line.undisclosed_delivered) == (1, 2)


def test_a_delivered_value_that_is_not_known_is_counted_apart(tmp_path: Path) -> None:
    ledger = _load(
        tmp_path,
        "a,2023-01-05,GB,,,,,,,,delivered,\n"  # delivered, value undisclosed
        "b,2023-01-05,GB,,,,100,GBP,,undisclosed,pledged,\n"
        "c,2023-01-05,GB,,,,50,GBP,,20,pledged,\n"
        # An item of a valued package: its money is a breakdown, not counted here.
        "c.tank,2023-01-05,GB,,Challenger 2,14,10,GBP,,undisclosed,pledged,c\n",
    )
    entry = ledger.summarize()["GB"]
    assert entry.committed["GBP"].amount == 150
    assert entry.delivered["GBP"].amount == 20
    assert entry.undisclosed_delivered_value == 2
    assert entry.undisclosed_value == 1


def test_a_donor_with_no_delivery_information_has_no_deliveries_recorded() -> None:
    summary = aidledger.bundled().summarize(as_of="2023-01-05")
    france = summary["FR"]
    assert not france.delivers and france.delivered == {}
    # The seed article: HIMARS, NASAMS, Stinger and Javelin sent, numbers not given.
    us = summary["US"]
    assert us.delivers and us.delivered == {}
    for key in ("himars", "nasams", "stinger", "javelin"):
        line = us.system(key)
        assert line is not None and line.delivered == 0 and line.undisclosed_delivered == 1
    assert us.system("patriot").undisclosed_delivered == 0  # type: ignore[union-attr]


def test_undisclosed_delivered_figures_read_the_same_from_every_format(tmp_path: Path) -> None:
    csv = _load(tmp_path, "b,2023-01-05,US,,HIMARS,4,,,undisclosed,undisclosed,pledged,\n")
    for suffix in (".json", ".jsonl"):
        path = tmp_path / f"copy{suffix}"
        aidledger.save(csv, path)
        assert aidledger.load(path).records == csv.records
    document = json.loads((tmp_path / "copy.json").read_text(encoding="utf-8"))
    assert document["records"][0]["delivered_quantity"] == "undisclosed"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("b,2023-01-05,US,,HIMARS,4,,,Undisclosed,,pledged,\n", "delivered_quantity"),
        ("b,2023-01-05,US,,,,,USD,,unknown,pledged,\n", "delivered_amount"),
        ("b,2023-01-05,US,,,,undisclosed,USD,,,pledged,\n", "amount"),
    ],
)
def test_only_the_word_undisclosed_is_undisclosed(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(LoadError, match=f":2: {message}: "):
        _load(tmp_path, row)


# --- recipients --------------------------------------------------------------------------

ORYX = (
    "by-t72,2022-03-01,BY,RU,T-72B,98,,,,,delivered,\n"
    "pl-t72,2022-04-01,PL,UA,T-72M1,200,,,,,delivered,\n"
    "us-pkg,2022-04-01,US,UA,,,100,USD,,,pledged,\n"
    "us-md,2022-05-01,US,MD,,,5,USD,,,pledged,\n"
)


def test_a_donor_to_another_recipient_is_never_mixed_in(tmp_path: Path) -> None:
    ledger = _load(tmp_path, ORYX)
    summary = ledger.summarize()
    assert summary.recipients == ("MD", "RU", "UA")
    assert [(e.donor, e.recipient) for e in summary] == [
        ("BY", "RU"), ("PL", "UA"), ("US", "MD"), ("US", "UA"),
    ]  # fmt: skip
    assert summary["BY"].recipient == "RU"
    assert summary["US", "MD"].committed["USD"].amount == 5
    with pytest.raises(KeyError, match="US gives to 2 recipients"):
        summary["US"]
    to_ukraine = ledger.summarize(recipients=["UA"])
    assert [(e.donor, e.recipient) for e in to_ukraine] == [("PL", "UA"), ("US", "UA")]
    assert to_ukraine.recipients == ("UA",) and to_ukraine.recipient_filter == ("UA",)
    t72 = sum(line.committed for e in to_ukraine for line in e.systems if line.system == "t-72")
    assert t72 == 200


def test_the_json_names_the_recipients(tmp_path: Path) -> None:
    data = _load(tmp_path, ORYX).summarize().to_dict()
    assert data["recipients"] == ["MD", "RU", "UA"]
    assert [(d["donor"], d["recipient"]) for d in data["donors"]] == [
        ("BY", "RU"), ("PL", "UA"), ("US", "MD"), ("US", "UA"),
    ]  # fmt: skip


def test_a_checkpoint_belongs_to_its_donor_and_recipient(tmp_path: Path) -> None:
    ledger = _load(
        tmp_path,
        ORYX + "us-ua-total,2022-06-01,US,UA,,,100,USD,,,reported,\n",
    )
    summary = ledger.summarize()
    (check,) = summary["US", "UA"].checkpoints
    assert (check.recipient, check.ledger, check.within_tolerance) == ("UA", 100, True)
    assert summary["US", "MD"].checkpoints == ()


# --- variants as written --------------------------------------------------------------------


def test_a_system_is_broken_down_by_its_variants_as_written(tmp_path: Path) -> None:
    ledger = _load(
        tmp_path,
        "a,2023-01-25,DE,,Leopard 2A6,14,,,,,pledged,\n"
        "b,2023-02-03,PL,,Leopard 2A4,14,,,,,pledged,\n"
        "c,2023-02-05,DE,,Leopard 2A4,18,,,4,,pledged,\n",
    )
    de = ledger.summarize()["DE"].system("leopard-2")
    assert de is not None and (de.committed, de.delivered) == (32, 4)
    assert [(v.name, v.committed, v.delivered) for v in de.variants] == [
        ("Leopard 2A4", 18, 4),
        ("Leopard 2A6", 14, 0),
    ]
    (across,) = ledger.summarize().systems()
    assert (across.system, across.committed) == ("leopard-2", 46)
    assert [(share.donor, share.line.committed) for share in across.donors] == [
        ("DE", 32),
        ("PL", 14),
    ]
    assert [r.system for r in ledger] == ["Leopard 2A6", "Leopard 2A4", "Leopard 2A4"]


# --- every format keeps what was written ----------------------------------------------------------


def test_variant_recipient_and_undisclosed_delivery_survive_every_format(tmp_path: Path) -> None:
    original = _load(
        tmp_path,
        "a,2023-01-25,DE,,Leopard 2A6,14,,,undisclosed,,pledged,\n"
        "b,2022-03-01,BY,RU,T-72B,98,,,,,delivered,\n"
        "c,2023-01-05,US,,,,100,USD,,undisclosed,pledged,\n",
        "original.csv",
    )
    aidledger.save(original, tmp_path / "direct.csv")
    path = tmp_path / "original.csv"
    for step in ("step.json", "step.jsonl", "step.xlsx", "back.csv"):
        target = tmp_path / step
        aidledger.save(aidledger.load(path), target)
        path = target
    assert path.read_bytes() == (tmp_path / "direct.csv").read_bytes()
    assert aidledger.load(path).records == original.records


@given(records=s.wide_records())
def test_every_format_round_trips_what_was_written(records: list[Record]) -> None:
    import tempfile

    ledger = Ledger(records)
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".csv", ".json", ".jsonl", ".xlsx"):
            path = Path(folder) / f"ledger{suffix}"
            aidledger.save(ledger, path)
            assert aidledger.load(path).records == ledger.records
