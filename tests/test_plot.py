"""The chart (``aidledger plot``, ``Summary.plot``): files written, names in the reader's
language, one currency per axis, matplotlib imported only when drawing."""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure

import aidledger
from aidledger import Ledger, MissingExtraError, Quote, RateTable, Record, Summary
from aidledger.cli import main
from aidledger.plot import plot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEADER = "id,date,donor,system,quantity,amount,currency,status\n"


@pytest.fixture(scope="module")
def bundled() -> Summary:
    return aidledger.bundled().summarize(as_of="2023-01-06")


def _record(**fields: object) -> Record:
    values: dict[str, object] = {"date": "2022-03-01", "status": "pledged"}
    values.update(fields)
    return Record(**values)  # type: ignore[arg-type]


def _two_currencies() -> Ledger:
    return Ledger(
        [
            _record(id="us-1", donor="US", amount="300000000", currency="USD"),
            _record(id="de-1", donor="DE", amount="100000000", currency="EUR"),
            _record(
                id="de-1",
                date="2022-05-02",
                donor="DE",
                amount="100000000",
                currency="EUR",
                status="delivered",
                delivered_amount="40000000",
            ),
            _record(
                id="us-stated",
                date="2022-04-01",
                donor="US",
                amount="300000000",
                currency="USD",
                status="reported",
            ),
            _record(
                id="de-stated",
                date="2022-04-01",
                donor="DE",
                amount="100000000",
                currency="EUR",
                status="reported",
            ),
        ]
    )


def _texts(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(match=lambda a: hasattr(a, "get_text"))]


def test_the_bundled_ledger_as_png(bundled: Summary, tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    figure = bundled.plot(str(target))
    assert isinstance(figure, Figure)
    data = target.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000


@pytest.mark.parametrize(
    ("locale", "name", "title"),
    [
        ("en", "United States", "Military assistance committed as of January 6, 2023"),
        ("de", "Vereinigte Staaten", "6. Januar 2023"),
    ],
)
def test_the_svg_keeps_names_as_text(
    bundled: Summary, tmp_path: Path, locale: str, name: str, title: str
) -> None:
    target = tmp_path / f"chart-{locale}.svg"
    plot(bundled, target, locale=locale)
    svg = target.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml")
    assert f">{name}" in svg
    assert title in svg


def test_checkpoints_are_labelled_with_their_stated_value(bundled: Summary) -> None:
    texts = _texts(plot(bundled, locale="de"))
    # Eight money checkpoints in the bundled ledger; the two HIMARS counts have no place
    # on a value axis.
    for stated in ("1,6", "6,9", "7,3", "21,3"):
        assert f"{stated}\xa0Mrd.\xa0$" in texts
    assert "25\xa0Mrd." in texts  # a value tick, compact, in German


def test_mixed_currencies_need_a_reporting_currency() -> None:
    summary = _two_currencies().summarize(as_of="2022-06-01")
    with pytest.raises(ValueError, match=r"EUR \(DE\), USD \(US\).*--currency CUR --rates"):
        summary.plot()


def test_a_donor_holding_two_currencies_needs_a_reporting_currency() -> None:
    ledger = Ledger(
        [
            _record(id="a", donor="US", amount="5", currency="USD"),
            _record(id="b", donor="US", amount="5", currency="EUR"),
        ]
    )
    with pytest.raises(ValueError, match="--currency CUR --rates"):
        ledger.summarize().plot()


def test_a_reporting_currency_puts_every_donor_on_one_axis(tmp_path: Path) -> None:
    rates = RateTable([Quote(datetime.date(2022, 1, 3), "EUR", "USD", Decimal("1.1"))])
    summary = _two_currencies().summarize(as_of="2022-06-01", currency="USD", rates=rates)
    figure = summary.plot(str(tmp_path / "chart.png"))
    texts = _texts(figure)
    assert "Value (USD)" in texts
    assert {"United States", "Germany", "Committed", "Delivered"} <= set(texts)
    # The USD checkpoint is drawn; the EUR one has no place on a USD axis.
    assert "$300M" in texts
    assert not any("€" in text for text in texts)


def test_donors_holding_nothing_draw_an_empty_chart(tmp_path: Path) -> None:
    summary = Ledger(
        [_record(id="fr-amx", date="2023-01-04", donor="FR", system="AMX-10 RC")]
    ).summarize()
    target = tmp_path / "empty.png"
    summary.plot(str(target), locale="fr")
    assert target.read_bytes().startswith(PNG_SIGNATURE)
    Ledger().summarize().plot()


def test_a_locale_without_labels_is_refused(bundled: Summary) -> None:
    with pytest.raises(aidledger.AidLedgerError, match="aidledger speaks"):
        bundled.plot(locale="ja")


def test_without_matplotlib_the_error_names_the_extra(
    bundled: Summary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"aidledger\[plot\]"):
        bundled.plot()


def test_importing_aidledger_does_not_import_matplotlib() -> None:
    code = (
        "import sys, aidledger; "
        "aidledger.bundled().summarize(as_of='2023-01-06').history(); "
        "print('matplotlib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- the command ---------------------------------------------------------------------------


def test_cli_plot_writes_the_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "chart.svg"
    status = main(
        ["plot", "--as-of", "2023-01-06", "--donor", "us", "--locale", "de", "-o", str(target)]
    )
    assert status == 0, capsys.readouterr().err
    assert "Vereinigte Staaten" in target.read_text(encoding="utf-8")


def test_cli_plot_refuses_an_unknown_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["plot", "-o", str(tmp_path / "chart.gif")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("aidledger: error: ")
    assert ".png, .svg, .pdf" in err
    assert not (tmp_path / "chart.gif").exists()


def test_cli_plot_needs_a_reporting_currency_for_mixed_currencies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        HEADER
        + "us-1,2022-03-01,US,,,300000000,USD,pledged\n"
        + "de-1,2022-03-01,DE,,,100000000,EUR,pledged\n",
        encoding="utf-8",
    )
    status = main(["plot", str(ledger), "-o", str(tmp_path / "chart.png")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("aidledger: error: the donors' values are in different currencies")
    assert "--currency CUR --rates FILE|ecb" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("locale", ["ja", "tlh", "not a locale"])
def test_cli_plot_refuses_a_locale_without_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], locale: str
) -> None:
    status = main(["plot", "--locale", locale, "-o", str(tmp_path / "chart.png")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("aidledger: error: ")
    assert not (tmp_path / "chart.png").exists()


def test_cli_plot_reports_an_unwritable_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["plot", "-o", str(tmp_path / "missing" / "chart.png")])
    err = capsys.readouterr().err
    assert status == 2
    assert "cannot be written" in err
