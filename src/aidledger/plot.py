"""Charts of a summary: cumulative committed and delivered value per donor over time, or
the units of each system committed and delivered (``units=True``, or when no value is
disclosed; drawn by ``_unitchart``).

Each donor's committed value is a solid step line up to the summary's date, its delivered
value a dashed one of the same colour, and the cumulative totals stated along the way
(checkpoints) are markers labelled with the stated value. Past ``_colours.READABLE`` donors,
the smallest are folded into one grey "others" line; the colours (``_colours``) are told
apart with any colour vision. A donor with no disclosed value is never
drawn as zero: it is named under the chart as not drawn. Names, numbers and dates are
CLDR's, through babel; aidledger's own labels come from its gettext catalogs.

One chart has one value axis, so every line must be in one currency: the summary's
reporting currency, or the one currency all donors hold. A checkpoint stated in another
currency (or as a number of units) cannot be placed on that axis and is left out.

Needs the optional ``plot`` extra (matplotlib), imported only when a chart is drawn.

This is the only place where aidledger's values become floats, and only for drawing:
matplotlib places marks on a screen in floating point. Every figure shown as text on the
chart (checkpoint labels, axis ticks) is formatted by babel; the values in the ledger and
the summary stay exact ``Decimal``.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import attrs

from aidledger import _unitchart
from aidledger._chartmarks import MARKER_SIZE as _MARKER_SIZE
from aidledger._chartmarks import Marks as _Marks
from aidledger._chartmarks import day as _day
from aidledger._chartmarks import label_checkpoints as _label_checkpoints
from aidledger._chartmarks import x as _x
from aidledger._colours import OTHERS, PALETTE, READABLE
from aidledger._words import Words
from aidledger.errors import MissingExtraError
from aidledger.money import EXACT

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

    from aidledger.summary import CheckpointCheck, History, HistoryPoint, Summary

__all__ = ["plot"]

#: How to put every line in one currency, in Python and on the command line.
_ONE_CURRENCY = (
    "summarize(currency=..., rates=...); on the command line --currency CUR --rates FILE|ecb"
)
_SIZE = (10.0, 6.0)  # inches
_DPI = 150  # of raster output (PNG)
_SHORTEST = datetime.timedelta(days=30)  # of the date axis
_DATE_TICKS = 8  # at most, on the date axis
_DAY_TICKS_UP_TO = 92  # days spanned: dates on the axis; beyond it, months
_INSIDE_LEGEND = 4  # donors: with more, the legend goes beside the axes
_LegendSpot = Literal["upper left", "upper center", "center left", "lower right", "upper right"]
# Where the legend may go inside the axes, tried in this order (cumulative lines rise to
# the right, so the upper left stays empty longest).
_LEGEND_SPOTS: tuple[_LegendSpot, ...] = (
    "upper left",
    "upper center",
    "center left",
    "lower right",
    "upper right",
)


def plot(
    summary: Summary,
    path: str | os.PathLike[str] | None = None,
    locale: str = "en",
    units: bool = False,
) -> Figure:
    """A chart of *summary* in *locale*; written to *path* if given: each donor's value
    over time, or with *units* (and whenever no value is disclosed) the units of each
    system committed and delivered.

    The format follows the extension of *path* (``.png``, ``.svg``, ``.pdf``); an SVG
    keeps its texts as text (searchable, translatable). Raises ``ValueError`` when there
    is nothing to draw (no value and no number of units disclosed), or when the donors'
    lines are in different currencies and the summary has no reporting currency; and
    :class:`~aidledger.errors.MissingExtraError` without matplotlib.

    >>> import aidledger
    >>> summary = aidledger.bundled().summarize(as_of="2023-01-06")
    >>> figure = summary.plot("us.svg", locale="de")  # doctest: +SKIP
    """
    try:
        # (matplotlib itself first: its submodules may be cached when it is not there.)
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError(
            "plotting needs the optional 'plot' extra: pip install 'aidledger[plot]'"
        ) from None

    words = Words(locale)
    lines: list[_Line] = []
    currency = None
    if not units:
        try:
            history = summary.history()
        except ValueError as error:  # a donor holds several currencies
            raise ValueError(f"{error} ({_ONE_CURRENCY})") from None
        currency = _axis_currency(history)
        lines = _lines(summary, history, currency, words)
    figure = Figure(figsize=_SIZE, layout="constrained")
    # The Agg canvas, attached to this figure alone: no pyplot, no global backend switch.
    canvas = FigureCanvasAgg(figure)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    if any(line.points for line in lines):
        _money_chart(figure, renderer, summary, lines, currency, words)
    else:
        if not _unitchart.drawable(summary):
            raise ValueError(_nothing_to_draw(summary))
        _unitchart.draw(figure, renderer, summary, words)
    if path is not None:
        # Texts stay text in an SVG (not paths) and TrueType in a PDF: searchable.
        with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
            _save(figure, path)
    return figure


def _save(figure: Figure, path: str | os.PathLike[str]) -> None:
    """Write *figure* to *path* atomically, as ledgers are saved; the format is the one
    its extension names (the temporary file's own name ends in ``.tmp``)."""
    from aidledger._files import replacing

    kind = os.path.splitext(os.fspath(path))[1].lower().lstrip(".") or "png"
    with replacing(path) as temporary:
        figure.savefig(temporary, dpi=_DPI, format=kind)


def _money_chart(
    figure: Figure,
    renderer: RendererBase,
    summary: Summary,
    lines: list[_Line],
    currency: str | None,
    words: Words,
) -> None:
    axes = figure.add_subplot()
    drawn = _folded(lines, words)
    colours = _draw(axes, drawn)
    _dress(figure, axes, summary.as_of, currency, drawn, words)
    _not_drawn(figure, summary, lines, words)
    _legend(figure, axes, drawn, colours, renderer, words)
    _label_checkpoints(axes, drawn, colours, renderer, words)


def _nothing_to_draw(summary: Summary) -> str:
    """Why there is no chart, and what the summary does hold."""
    when = "" if summary.as_of is None else f" as of {summary.as_of.isoformat()}"
    message = f"nothing to draw{when}: no value and no number of units is disclosed"
    hidden = [
        f"{entry.donor} ({entry.undisclosed_value} of undisclosed value)"
        for entry in summary.donors
        if entry.undisclosed_value
    ]
    if hidden:
        message += ", only pledges without a figure: " + ", ".join(hidden)
    elif not summary.donors:
        message += ": the summary has no donor"
    return message


# --- what to draw (exact) ----------------------------------------------------------------


def _donor_name(party: tuple[str, str], summary: Summary, words: Words) -> str:
    """The donor's name, from CLDR, and the recipient's when the summary has several."""
    name = words.country(party[0])
    if len(summary.recipients) > 1:
        return f"{name} \u2192 {words.country(party[1])}"
    return name


def _compact_tick(value: float, words: Words) -> str:
    """An axis value, compact (``25B``, ``25 Mrd.``): the tick's own round value."""
    # Six significant digits: the float's binary noise (0.6000000000000001) goes.
    return words.compact_number(Decimal(f"{value:.6g}"))


@attrs.frozen
class _Line:
    """One donor's marks: step points up to the summary's date and drawable checkpoints."""

    donor: tuple[str, str]  # (donor, recipient); ("", "") for the others folded together
    name: str
    points: tuple[HistoryPoint, ...]
    checkpoints: tuple[CheckpointCheck, ...]

    @property
    def delivers(self) -> bool:
        return any(point.delivered for point in self.points)

    @property
    def delivered_points(self) -> tuple[HistoryPoint, ...]:
        """The points from the first delivery on (before it, none is recorded: not 0)."""
        first = next((n for n, point in enumerate(self.points) if point.delivered), None)
        return () if first is None else self.points[first:]

    @property
    def final(self) -> Decimal:
        """The committed value at the end of the line (0 for checkpoints alone)."""
        return self.points[-1].committed if self.points else Decimal(0)


def _gid(party: tuple[str, str]) -> str:
    """The donor and recipient as an SVG id part (``US-UA``; ``others``)."""
    return "-".join(party) if any(party) else "others"


def _axis_currency(history: History) -> str | None:
    """The one currency of every line, or ``ValueError`` when they differ."""
    if history.currency is not None:
        return history.currency
    held = sorted(set(history.currencies.values()))
    if len(held) > 1:
        donors = {
            currency: ", ".join(
                sorted(d[0] for d, c in history.currencies.items() if c == currency)
            )
            for currency in held
        }
        listed = ", ".join(f"{currency} ({donors[currency]})" for currency in held)
        raise ValueError(
            f"the donors' values are in different currencies, {listed}, and a chart has one "
            f"value axis: give a reporting currency and exchange rates ({_ONE_CURRENCY})"
        )
    if held:
        return held[0]
    stated = {check.currency for checks in history.checkpoints.values() for check in checks}
    stated.discard(None)
    return stated.pop() if len(stated) == 1 else None


def _lines(summary: Summary, history: History, currency: str | None, words: Words) -> list[_Line]:
    """What each donor contributes to the chart, the largest committed value first (the
    legend's order is the lines' order at the right end); donors with nothing to draw
    are left out."""
    lines = []
    for donor in set(history.lines) | set(history.checkpoints):
        points = history.lines.get(donor, ())
        as_of = summary.as_of
        if points and as_of is not None and points[-1].date < as_of:
            last = points[-1]
            points = (*points, attrs.evolve(last, date=as_of))
        checkpoints = tuple(
            check
            for check in history.checkpoints.get(donor, ())
            # Quantities and other currencies have no place on this axis.
            if check.currency is not None and check.currency == currency
        )
        if points or checkpoints:
            lines.append(_Line(donor, _donor_name(donor, summary, words), points, checkpoints))
    lines.sort(key=lambda line: (-line.final, line.donor))
    return lines


def _folded(lines: list[_Line], words: Words) -> list[_Line]:
    """The lines to draw: each donor's up to :data:`READABLE`, else the largest
    ``READABLE - 1`` and one line of the others' sums (exact), without their checkpoints."""
    if len(lines) <= READABLE:
        return lines
    kept, rest = lines[: READABLE - 1], [line for line in lines[READABLE - 1 :] if line.points]
    if not rest:
        return kept
    days = sorted({point.date for line in rest for point in line.points})
    # (A point made like the history's own, without importing the module of summaries,
    # which imports this one when asked for a chart.)
    template = rest[0].points[0]
    points = []
    for day in days:
        committed = delivered = Decimal(0)
        for line in rest:
            value = _at(line.points, day)
            if value is not None:
                committed = EXACT.add(committed, value.committed)
                delivered = EXACT.add(delivered, value.delivered)
        points.append(attrs.evolve(template, date=day, committed=committed, delivered=delivered))
    name = words.ngettext("Others ({count} donor)", "Others ({count} donors)", len(rest)).format(
        count=words.number(len(rest))
    )
    return [*kept, _Line(("", ""), name, tuple(points), ())]


def _at(points: Sequence[HistoryPoint], day: datetime.date) -> HistoryPoint | None:
    """The point in force on *day* (the last on or before it)."""
    position = bisect.bisect_right(points, day, key=_date) - 1
    return None if position < 0 else points[position]


def _date(point: HistoryPoint) -> datetime.date:
    return point.date


def _not_drawn(figure: Figure, summary: Summary, lines: Sequence[_Line], words: Words) -> None:
    """Name, under the chart, the donors with pledges but no disclosed value: never drawn
    as zero, never left out in silence."""
    drawn = {line.donor for line in lines if line.points}
    hidden = [
        _donor_name((entry.donor, entry.recipient), summary, words)
        for entry in summary.donors
        if entry.pledges and (entry.donor, entry.recipient) not in drawn
    ]
    if hidden:
        text = words._("No value disclosed (not drawn): {donors}").format(
            donors=", ".join(sorted(hidden))
        )
        figure.supxlabel(text, x=0.01, ha="left", fontsize="small", color="0.35")


# --- drawing (floats from here on) -------------------------------------------------------


def _draw(axes: Axes, lines: Sequence[_Line]) -> dict[tuple[str, str], str]:
    """Each donor's lines and markers; returns the colour of each donor."""
    colours = {}
    for number, line in enumerate(lines):
        colour = colours[line.donor] = OTHERS if line.donor == ("", "") else PALETTE[number]
        if line.points:
            axes.plot(
                [_x(point.date) for point in line.points],
                [float(point.committed) for point in line.points],
                drawstyle="steps-post",
                color=colour,
                linewidth=2.0,
                # A line of one day has no length: a dot shows it.
                marker="o" if len(line.points) == 1 else "",
                markersize=4.0,
                gid=f"committed-{_gid(line.donor)}",
            )
        delivered = line.delivered_points
        if delivered:
            axes.plot(
                [_x(point.date) for point in delivered],
                [float(point.delivered) for point in delivered],
                drawstyle="steps-post",
                linestyle="--",
                color=colour,
                linewidth=1.5,
                gid=f"delivered-{_gid(line.donor)}",
            )
        if line.checkpoints:
            axes.plot(
                [_x(check.date) for check in line.checkpoints],
                [float(check.stated) for check in line.checkpoints],
                linestyle="none",
                marker="D",
                markersize=_MARKER_SIZE,
                color=colour,
                markerfacecolor="white",
                markeredgewidth=1.5,
                gid=f"checkpoints-{_gid(line.donor)}",
            )
    return colours


def _dress(
    figure: Figure,
    axes: Axes,
    as_of: datetime.date | None,
    currency: str | None,
    lines: Sequence[_Line],
    words: Words,
) -> None:
    """Title, axis labels, limits, ticks and grid."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    if as_of is not None:
        title = words._("Military assistance committed as of {date}").format(
            date=words.date(as_of, "long")
        )
        figure.suptitle(title, fontsize="x-large", fontweight="bold")
    axes.set_title(words._("Cumulative committed value"), loc="left", color="0.3")
    axes.set_xlabel(words._("Date"))
    if currency is not None:
        axes.set_ylabel(words._("Value ({currency})").format(currency=currency))
    else:
        axes.set_ylabel(words._("Cumulative committed value"))

    first, last = _span(lines, as_of)
    axes.set_xlim(_x(first) - _margin(first, last), _x(last) + _margin(first, last))
    top = max(_values(lines), default=0.0)
    # Room above the highest mark for its label; a chart of nothing still has an axis.
    axes.set_ylim(0.0, top * 1.12 if top > 0 else 1.0)

    ticks, pattern = _date_ticks(first, last)
    axes.xaxis.set_major_locator(FixedLocator([_x(day) for day in ticks]))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: words.date(_day(x), pattern)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _compact_tick(y, words)))
    if not lines:  # nothing to draw: no scale to suggest either
        axes.set_yticks([0.0])
        axes.set_xticks([] if as_of is None else [_x(as_of)])
    axes.grid(True, color="0.88", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _span(
    lines: Sequence[_Line], as_of: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """The dates the chart spans: from the first mark to the summary's date, and at least
    a month (a line of one day still shows)."""
    days = [point.date for line in lines for point in line.points]
    days += [check.date for line in lines for check in line.checkpoints]
    end = as_of or max(days, default=datetime.date.today())
    start = min(days, default=end)
    return min(start, end - _SHORTEST), end


def _margin(first: datetime.date, last: datetime.date) -> float:
    """Days of air at either end of the date axis."""
    return max((last - first).days * 0.02, 1.0)


def _date_ticks(first: datetime.date, last: datetime.date) -> tuple[list[datetime.date], str]:
    """At most :data:`_DATE_TICKS` round dates from *first* to *last*, and the babel date
    pattern that names them: days (medium dates) over a few months, else the first of
    every month, quarter, ... (``MMM yyyy``), else years."""
    span = (last - first).days
    if span <= _DAY_TICKS_UP_TO:
        step = next(step for step in (1, 2, 3, 7, 14) if span // step < _DATE_TICKS)
        days = [first + datetime.timedelta(days=n) for n in range(0, span + 1, step)]
        return days, "medium"
    months = (last.year - first.year) * 12 + last.month - first.month
    step = next((step for step in (1, 2, 3, 4, 6, 12) if months // step < _DATE_TICKS), 0)
    if step:
        months_since_0 = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        firsts = (datetime.date(n // 12, n % 12 + 1, 1) for n in months_since_0)
        days = [day for day in firsts if day >= first and (day.month - 1) % step == 0]
        return days, "MMM yyyy"
    years = last.year - first.year
    step = next(step for step in itertools.count(1) if years // step < _DATE_TICKS)
    days = [
        datetime.date(year, 1, 1)
        for year in range(first.year + 1, last.year + 1)
        if year % step == 0
    ]
    return days, "yyyy"


def _values(lines: Iterable[_Line]) -> Iterable[float]:
    for line in lines:
        for point in line.points:
            yield float(max(point.committed, point.delivered))
        for check in line.checkpoints:
            yield float(check.stated)


def _legend(
    figure: Figure,
    axes: Axes,
    lines: Sequence[_Line],
    colours: Mapping[tuple[str, str], str],
    renderer: RendererBase,
    words: Words,
) -> None:
    """One entry per donor (its colour), then one per kind of mark (its style): inside the
    axes where it hides no mark, else beside them. Lays the figure out."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Patch | Line2D] = [
        Patch(color=colours[line.donor], label=line.name) for line in lines
    ]
    if any(line.points for line in lines):
        handles.append(Line2D([], [], color="0.35", linewidth=2.0, label=words._("Committed")))
    if any(line.delivers for line in lines):
        handles.append(
            Line2D([], [], color="0.35", linestyle="--", linewidth=1.5, label=words._("Delivered"))
        )
    if any(line.checkpoints for line in lines):
        handles.append(
            Line2D(
                [],
                [],
                color="0.35",
                linestyle="none",
                marker="D",
                markersize=_MARKER_SIZE,
                markerfacecolor="white",
                markeredgewidth=1.5,
                label=words._("Checkpoint (stated)"),
            )
        )
    if not lines:
        figure.draw_without_rendering()
        return
    if len(lines) <= _INSIDE_LEGEND:
        legend = axes.legend(handles=handles, loc=_LEGEND_SPOTS[0], fontsize="small")
        figure.draw_without_rendering()
        marks = _Marks(axes, lines, renderer)
        for spot in _LEGEND_SPOTS:
            legend.set_loc(spot)
            if marks.free(legend.get_window_extent(renderer)):
                return
        legend.remove()
    figure.legend(handles=handles, loc="outside right upper", fontsize="small")
    figure.draw_without_rendering()
