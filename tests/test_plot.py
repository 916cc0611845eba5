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
    # (Exact: 7,32, never rounded to 7,3.)
    for stated in ("1,6", "6,9", "7,32", "21,3"):
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


def test_nothing_to_draw_is_an_error_that_says_why() -> None:
    summary = Ledger(
        [_record(id="fr-amx", date="2023-01-04", donor="FR", system="AMX-10 RC")]
    ).summarize()
    with pytest.raises(ValueError, match=r"nothing to draw as of 2023-01-04: .*FR \(1 of"):
        summary.plot(locale="fr")
    with pytest.raises(ValueError, match="nothing to draw"):
        Ledger().summarize().plot()


def test_cli_plot_of_nothing_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "amx.csv"
    ledger.write_text(HEADER + "fr-amx,2023-01-04,FR,AMX-10 RC,,,,pledged\n")
    target = tmp_path / "chart.png"
    assert main(["plot", str(ledger), "-o", str(target)]) == 2
    assert "aidledger: error: nothing to draw" in capsys.readouterr().err
    assert not target.exists()


def _tanks() -> Ledger:
    return Ledger(
        [
            _record(id="pl", donor="PL", system="Leopard 2A4", quantity=14),
            _record(id="de", donor="DE", system="Leopard 2A6", quantity=18,
                    delivered_quantity=4),
            _record(id="gb", donor="GB", system="Challenger 2", quantity=14,
                    status="delivered"),
            _record(id="fr", donor="FR", system="AMX-10 RC"),
            _record(id="us", donor="US", system="HIMARS", quantity=8,
                    delivered_quantity="undisclosed"),
        ]
    )  # fmt: skip


def test_a_ledger_of_tanks_charts_units_per_system() -> None:
    figure = _tanks().summarize().plot(locale="en")
    texts = _texts(figure)
    assert any(t.startswith("Units committed and delivered as of") for t in texts)
    assert {"Leopard 2", "Challenger 2", "M142 HIMARS", "AMX-10 RC"} <= set(texts)
    assert "32" in texts  # Leopard 2: 14 + 18
    assert "delivered: 4" in texts and "delivered: 14" in texts
    assert "undisclosed (1 pledge)" in texts  # AMX-10 RC: a figure, never a bar of 0
    assert "delivered: undisclosed (1 pledge)" in texts
    bars = [patch for patch in figure.axes[0].patches if patch.get_width() > 0]
    # Committed: Leopard 2 (two donors), Challenger 2, HIMARS; delivered: Leopard 2, Challenger.
    assert len(bars) == 6
    assert all(patch.get_width() > 0 for patch in figure.axes[0].patches)


def test_units_on_request_and_from_the_command_line(tmp_path: Path) -> None:
    figure = aidledger.bundled().summarize(as_of="2023-01-06").plot(units=True)
    assert "M142 HIMARS" in _texts(figure)
    target = tmp_path / "units.svg"
    assert main(["plot", "--as-of", "2023-01-06", "--units", "-o", str(target)]) == 0
    assert "Units committed and delivered" in target.read_text(encoding="utf-8")


def test_donors_beyond_a_readable_number_are_folded_into_others() -> None:
    from aidledger._colours import PALETTE

    donors = ["US", "GB", "DE", "FR", "PL", "CA", "NO", "SE", "DK", "NL", "IT", "ES"]
    ledger = Ledger(
        [
            _record(id=f"p{n}", donor=code, amount=str(1000 * (20 - n)), currency="EUR")
            for n, code in enumerate(donors)
        ]
    )
    figure = ledger.summarize().plot()
    legend = figure.legends[0] if figure.legends else figure.axes[0].get_legend()
    names = [text.get_text() for text in legend.get_texts()]
    assert names[: len(PALETTE) - 1] == [
        "United States", "United Kingdom", "Germany", "France", "Poland", "Canada",
        "Norway", "Sweden",
    ]  # fmt: skip
    assert "Others (4 donors)" in names
    lines = [
        line
        for line in figure.axes[0].get_lines()
        if (line.get_gid() or "").startswith("committed")
    ]
    colours = [line.get_color() for line in lines]
    assert len(set(colours)) == len(colours) == len(PALETTE)
    others = next(line for line in lines if line.get_gid() == "committed-others")
    assert others.get_ydata()[-1] == 12000 + 11000 + 10000 + 9000  # the four, summed


def test_a_donor_with_no_disclosed_value_is_named_not_drawn_at_zero() -> None:
    ledger = Ledger(
        [
            _record(id="us", donor="US", amount="100", currency="USD"),
            _record(id="fr", donor="FR", system="AMX-10 RC"),
        ]
    )
    rates = RateTable([Quote(datetime.date(2022, 1, 3), "EUR", "USD", Decimal("1.1"))])
    figure = ledger.summarize(currency="USD", rates=rates).plot()
    gids = {line.get_gid() for line in figure.axes[0].get_lines()}
    assert "committed-US-UA" in gids and "committed-FR-UA" not in gids
    assert "No value disclosed (not drawn): France" in _texts(figure)


def test_checkpoint_labels_never_overlap(bundled: Summary) -> None:
    from matplotlib.text import Annotation, Text

    figure = bundled.plot()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [
        Text.get_window_extent(label, renderer)  # the text (its leader line may cross)
        for label in figure.axes[0].texts
        if isinstance(label, Annotation) and label.get_visible()
    ]
    assert len(boxes) >= 6
    for n, box in enumerate(boxes):
        for other in boxes[n + 1 :]:
            assert not box.overlaps(other), (box, other)


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
