"""The units chart: each system's units committed and delivered, as of the summary's date.

One row per system (the most committed first, up to :data:`SYSTEMS`; the rest are
counted under the chart), two bars a row: committed (solid) above delivered (hatched),
each stacked by donor in the colours of the value chart, past ``_colours.READABLE`` donors
the smallest folded into a grey "others". Beside each bar its figure as the reports
write it (``38``, ``≥ 4, 2 undisclosed``, ``undisclosed (2 pledges)``): a figure that
no source gives has no bar, only its words, never a bar of zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aidledger._colours import OTHERS, PALETTE, READABLE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    from aidledger._words import Words
    from aidledger.summary import Summary, SystemSummary

__all__ = ["SYSTEMS", "draw", "drawable"]

#: Systems drawn at most (the ones with the most units committed).
SYSTEMS = 24
_BAR = 0.36  # of a row's height, each of the two bars
_NONE = "\u2013"


def drawable(summary: Summary) -> bool:
    """Whether any system has units committed or delivered that a source gives."""
    return any(line.committed or line.delivered for line in summary.systems())


def draw(figure: Figure, renderer: RendererBase, summary: Summary, words: Words) -> None:
    """The chart of *summary*'s systems on *figure*."""
    from matplotlib.patches import Patch

    lines = sorted(
        summary.systems(), key=lambda line: (-line.committed, -line.delivered, line.name)
    )
    shown, hidden = lines[:SYSTEMS], lines[SYSTEMS:]
    colours, names = _donor_colours(shown, summary, words)
    # Each row tall enough for its two figures, one above the other.
    figure.set_size_inches(10.0, max(4.0, 0.38 * len(shown) + 2.0))
    axes = figure.add_subplot()
    top = max((max(line.committed, line.delivered) for line in shown), default=1) or 1
    for row, line in enumerate(shown):
        _bars(axes, row, line, "committed", colours)
        _bars(axes, row, line, "delivered", colours)
        committed = words.units(line.committed, line.undisclosed_quantity)
        delivered = words.units(line.delivered, line.undisclosed_delivered, none=_NONE)
        if delivered != _NONE:
            delivered = words._("delivered: {figure}").format(figure=delivered)
        for offset, text, value in (
            (-_BAR / 2, committed, line.committed),
            (_BAR / 2, delivered, line.delivered),
        ):
            if text == _NONE:
                continue  # no delivery recorded: the note under the chart says what - means
            axes.annotate(
                text,
                xy=(value, row + offset),
                xytext=(4.0, 0.0),
                textcoords="offset points",
                va="center",
                fontsize=7.0,
                color="0.2",
            )
    axes.set_yticks(range(len(shown)), [line.name for line in shown], fontsize="small")
    axes.set_ylim(len(shown) - 0.4, -0.6)
    # Room on the right for the longest figure beside its bar.
    axes.set_xlim(0, top * 1.3)
    axes.xaxis.set_major_formatter(_integer_ticks(words))
    axes.set_xlabel(words._("Units"))
    axes.grid(True, axis="x", color="0.88", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if summary.as_of is not None:
        figure.suptitle(
            words._("Units committed and delivered as of {date}").format(
                date=words.date(summary.as_of, "long")
            ),
            fontsize="x-large",
            fontweight="bold",
        )
    handles = [Patch(color=colour, label=names[donor]) for donor, colour in colours.items()]
    handles.append(Patch(facecolor="0.55", edgecolor="0.55", label=words._("Committed")))
    handles.append(
        Patch(facecolor="white", edgecolor="0.45", hatch="////", label=words._("Delivered"))
    )
    figure.legend(handles=handles, loc="outside right upper", fontsize="small")
    notes = [
        words._(
            "Undisclosed: pledges whose number no source gives (≥: at least the number shown)."
        )
    ]
    if hidden:
        notes.append(
            words.ngettext(
                "{count} more system not shown.", "{count} more systems not shown.", len(hidden)
            ).format(count=words.number(len(hidden)))
        )
    figure.supxlabel(" ".join(notes), x=0.01, ha="left", fontsize="small", color="0.35")
    figure.draw_without_rendering()


def _donor_colours(
    lines: list[SystemSummary], summary: Summary, words: Words
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """A colour per donor, the most units committed first; the others in grey."""
    units: dict[tuple[str, str], int] = {}
    for line in lines:
        for share in line.donors:
            party = (share.donor, share.recipient)
            units[party] = units.get(party, 0) + share.line.committed + share.line.delivered
    # (A donor with no units that a source gives has no bar: no colour either.)
    order = sorted((p for p in units if units[p]), key=lambda party: (-units[party], party))
    several = len(summary.recipients) > 1
    names = {
        party: words.country(party[0]) + (f" \u2192 {words.country(party[1])}" if several else "")
        for party in order
    }
    if len(order) <= READABLE:
        return dict(zip(order, PALETTE, strict=False)), names
    kept = order[: READABLE - 1]
    colours = dict(zip(kept, PALETTE, strict=False))
    rest = len(order) - len(kept)
    names[("", "")] = words.ngettext(
        "Others ({count} donor)", "Others ({count} donors)", rest
    ).format(count=words.number(rest))
    colours[("", "")] = OTHERS
    for party in order[READABLE - 1 :]:
        colours.setdefault(party, OTHERS)
    # The legend shows each colour once: the others under one name.
    return {p: c for p, c in colours.items() if c != OTHERS or p == ("", "")}, names


def _bars(
    axes: Axes, row: int, line: SystemSummary, which: str, colours: dict[tuple[str, str], str]
) -> None:
    """One bar of a row, stacked by donor (folded donors in grey)."""
    start = 0
    offset = -_BAR / 2 if which == "committed" else _BAR / 2
    for share in sorted(line.donors, key=lambda s: (s.donor, s.recipient)):
        value = getattr(share.line, which)
        if not value:
            continue
        colour = colours.get((share.donor, share.recipient), OTHERS)
        style = (
            {"color": colour}
            if which == "committed"
            else {"facecolor": "white", "edgecolor": colour, "hatch": "////", "linewidth": 0.8}
        )
        axes.barh(row + offset, value, height=_BAR, left=start, **style)
        start += value


def _integer_ticks(words: Words) -> FuncFormatter:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _: words.number(int(x)) if float(x).is_integer() else "")
