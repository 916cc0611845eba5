"""Where a chart's marks go: dates as matplotlib's numbers, and each checkpoint's label
placed beside its marker where it overlaps no other label, marker or line (else hidden,
its marker kept)."""

from __future__ import annotations

import datetime
import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, Protocol

from aidledger._words import Words
from aidledger.money import Money

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.path import Path
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

    from aidledger.summary import CheckpointCheck, HistoryPoint

__all__ = ["MARKER_SIZE", "Marks", "day", "label_checkpoints", "x", "xy"]

MARKER_SIZE = 6.0  # points, of the checkpoint markers
_LABEL_SIZE = 8.0  # points, of the checkpoint labels
_Spot = tuple[float, float, Literal["left", "center", "right"], Literal["bottom", "center", "top"]]
# Where a checkpoint's label may go, in points from its marker, tried in this order:
# (dx, dy, horizontal alignment, vertical alignment). Beside the marker first; then
# farther away, with a thin leader line back to it.
_LABEL_SPOTS: tuple[_Spot, ...] = (
    (-6.0, 5.0, "right", "bottom"),
    (6.0, 5.0, "left", "bottom"),
    (6.0, -5.0, "left", "top"),
    (0.0, 9.0, "center", "bottom"),
    (-9.0, 0.0, "right", "center"),
    (9.0, 0.0, "left", "center"),
    (0.0, -9.0, "center", "top"),
    (-10.0, 16.0, "right", "bottom"),
    (10.0, 16.0, "left", "bottom"),
    (10.0, -16.0, "left", "top"),
    (-10.0, -16.0, "right", "top"),
    (-14.0, 28.0, "right", "bottom"),
    (14.0, -28.0, "left", "top"),
)
_LABELLED = 24  # checkpoints at most labelled each; with more, each donor's latest
_NEAR = 10.0  # points: a label at most this far from its marker needs no leader line


class _Line(Protocol):
    """What of a chart's line the marks need."""

    @property
    def donor(self) -> tuple[str, str]: ...

    @property
    def points(self) -> Sequence[HistoryPoint]: ...

    @property
    def checkpoints(self) -> Sequence[CheckpointCheck]: ...

    @property
    def delivered_points(self) -> Sequence[HistoryPoint]: ...


class Marks:
    """Where the lines and markers are drawn, in display coordinates (after layout)."""

    def __init__(self, axes: Axes, lines: Sequence[_Line], renderer: RendererBase) -> None:
        from matplotlib.transforms import Bbox

        self.inside = axes.get_window_extent(renderer)
        self.paths = [_step_path(axes, line.points, _committed) for line in lines if line.points]
        self.paths += [
            _step_path(axes, line.delivered_points, _delivered)
            for line in lines
            if line.delivered_points
        ]
        half = renderer.points_to_pixels(MARKER_SIZE / 2)
        self.boxes: list[Bbox] = []
        for line in lines:
            for check in line.checkpoints:
                x, y = axes.transData.transform(xy(check.date, check.stated))
                self.boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))

    def free(self, box: Bbox, crossing: bool = False) -> bool:
        """Whether *box* lies inside the axes and overlaps no marker or label, nor a line
        (unless *crossing*: a line may run under it)."""
        return (
            self.inside.containsx(box.x0)
            and self.inside.containsx(box.x1)
            and self.inside.containsy(box.y0)
            and self.inside.containsy(box.y1)
            and not any(box.overlaps(other) for other in self.boxes)
            and (
                crossing or not any(path.intersects_bbox(box, filled=False) for path in self.paths)
            )
        )


def _committed(point: HistoryPoint) -> Decimal:
    return point.committed


def _delivered(point: HistoryPoint) -> Decimal:
    return point.delivered


def label_checkpoints(
    axes: Axes,
    lines: Sequence[_Line],
    colours: Mapping[tuple[str, str], str],
    renderer: RendererBase,
    words: Words,
) -> None:
    """Each checkpoint's stated value beside its marker, where it overlaps no other label,
    marker, line or the legend and stays inside the axes (else at the first spot)."""
    marks = Marks(axes, lines, renderer)
    legend = axes.get_legend()
    if legend is not None:
        marks.boxes.append(legend.get_window_extent(renderer))
    crowded = sum(len(line.checkpoints) for line in lines) > _LABELLED
    for line in lines:
        # (Past a few dozen, only each donor's latest is labelled; every marker stays.)
        for check in line.checkpoints[-1:] if crowded else line.checkpoints:
            assert check.currency is not None  # _lines keeps those in the axis currency
            label = axes.annotate(
                words.compact(Money(check.stated, check.currency)),
                xy=xy(check.date, check.stated),
                xytext=_LABEL_SPOTS[0][:2],
                textcoords="offset points",
                fontsize=_LABEL_SIZE,
                color=colours[line.donor],
                arrowprops={
                    "arrowstyle": "-",
                    "color": colours[line.donor],
                    "linewidth": 0.6,
                    "shrinkA": 1.0,
                    "shrinkB": MARKER_SIZE * 0.7,
                },
            )
            label.set_in_layout(False)
            box = _place(label, renderer, marks)
            if box is not None:
                marks.boxes.append(box)


def _place(label: Annotation, renderer: RendererBase, marks: Marks) -> Bbox | None:
    """Move *label* to the first spot that overlaps nothing; else to the first that
    overlaps no other label or marker (a line may run under it); else hide it (its
    marker stays). Returns its box, if shown."""
    from matplotlib.text import Text

    for crossing in (False, True):
        for dx, dy, horizontal, vertical in _LABEL_SPOTS:
            label.xyann = (dx, dy)
            label.set_horizontalalignment(horizontal)
            label.set_verticalalignment(vertical)
            label.update_positions(renderer)
            # The text alone: the leader line, if any, may cross other marks.
            box = Text.get_window_extent(label, renderer).padded(1.0)
            if marks.free(box, crossing=crossing):
                if label.arrow_patch is not None:
                    label.arrow_patch.set_visible(max(abs(dx), abs(dy)) > _NEAR)
                return box
    label.set_visible(False)
    return None


def _step_path(
    axes: Axes, points: Sequence[HistoryPoint], value: Callable[[HistoryPoint], Decimal]
) -> Path:
    """A step line as drawn (steps-post), in display coordinates."""
    from matplotlib.path import Path

    corners = [xy(points[0].date, value(points[0]))]
    for point, following in itertools.pairwise(points):
        corners.append(xy(following.date, value(point)))
        corners.append(xy(following.date, value(following)))
    return axes.transData.transform_path(Path(corners))


def xy(day: datetime.date, value: Decimal) -> tuple[float, float]:
    """A mark's place: *day* as a matplotlib date number, *value* as a float."""
    return x(day), float(value)


def x(day: datetime.date) -> float:
    """*day* as a matplotlib date number (days since its epoch)."""
    return float(day.toordinal() - _epoch())


@functools.cache
def _epoch() -> int:
    """The ordinal of matplotlib's date epoch (a day: its epochs start at midnight).

    (``date2num`` itself converts through datetimes and numpy, some 20 µs a point: most of
    a chart's time for a large ledger.)"""
    from matplotlib import dates

    epoch = dates.get_epoch()  # type: ignore[no-untyped-call]
    return datetime.date.fromisoformat(str(epoch)[:10]).toordinal()


def day(x: float) -> datetime.date:
    """The day of matplotlib date number *x*."""
    from matplotlib import dates

    day: datetime.datetime = dates.num2date(x)  # type: ignore[no-untyped-call]
    return day.date()
