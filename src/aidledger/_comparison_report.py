"""A comparison of two ledgers for people: text, Markdown and HTML (docs/compare.md).

Built as blocks and written by the report writers, like the summary's report: an overview
of every donor that differs (committed on each side and the difference), then per donor
the systems whose units differ and the pledges that explain it. What a side does not
disclose is never shown as a number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from aidledger import _blocks
from aidledger._blocks import Block, Fields, Heading, Paragraph, Table
from aidledger._words import Words
from aidledger.money import Money

if TYPE_CHECKING:
    from aidledger.comparison import Comparison, DonorDifference, PledgeChange
    from aidledger.summary import DonorSummary, PledgeState, SystemTotal

__all__ = ["render"]

_NONE = "\u2013"


def render(comparison: Comparison, format: str = "text", locale: str = "en") -> str:
    """*comparison* as ``text``, ``markdown``, ``html`` or ``json``, in *locale*."""
    if format == "json":
        return json.dumps(comparison.to_dict(locale), indent=1, ensure_ascii=False)
    if format not in ("text", "markdown", "html"):
        raise ValueError(f"unknown format {format!r}: one of text, markdown, html, json")
    words = Words(locale)
    blocks = _Report(comparison, words).blocks()
    if format == "text":
        return _blocks.text(blocks)
    if format == "markdown":
        return _blocks.markdown(blocks)
    title = blocks[0].text if isinstance(blocks[0], Heading) else ""
    return _blocks.html_page(blocks, title, words.locale.language)


class _Report:
    def __init__(self, comparison: Comparison, words: Words) -> None:
        self.comparison = comparison
        self.words = words
        self._ = words._
        self.a, self.b = comparison.names

    def blocks(self) -> list[Block]:
        _ = self._
        comparison = self.comparison
        if comparison.as_of is None:
            return [Heading(1, _("Comparison")), Paragraph(_("Both ledgers are empty."))]
        title = _("{a} and {b} as of {date}").format(
            a=self.a, b=self.b, date=self.words.date(comparison.as_of, "long")
        )
        blocks: list[Block] = [
            Heading(1, title),
            Paragraph(
                _(
                    "Differences are {b} minus {a}, of the values each ledger discloses; "
                    "values no source gives are counted beside them, never as zero. A "
                    "pledge explains a difference when what it adds differs: it is in one "
                    "ledger only, or its counted figures changed."
                ).format(a=self.a, b=self.b)
            ),
        ]
        differing = comparison.differences
        if not differing:
            blocks.append(Paragraph(_("The two ledgers give the same figures.")))
            return blocks
        blocks += [Heading(2, _("Overview")), self.overview(differing)]
        for entry in differing:
            blocks.extend(self.donor(entry))
        return blocks

    # --- cells --------------------------------------------------------------------------

    def committed(self, side: DonorSummary | None) -> str:
        """A side's committed value as a cell: every currency, a lower bound when some
        value is undisclosed; the reporting currency's total when there is one."""
        _ = self._
        if side is None:
            return _("not in this ledger")
        words = self.words
        if side.committed_total is not None:
            shown = words.compact(side.committed_total)
        else:
            shown = "; ".join(words.compact(money) for money in side.committed.values())
        count = side.undisclosed_value
        if shown:
            return words.at_least(shown, count)
        if not count:
            return _("none disclosed")
        return words.ngettext(
            "none disclosed ({count} pledge)", "none disclosed ({count} pledges)", count
        ).format(count=words.number(count))

    def difference(self, entry: DonorDifference) -> str:
        total = entry.total_difference
        if total is not None:
            return self.signed(total)
        changes = [
            self.signed(Money(amount, currency))
            for currency, amount in entry.committed_difference.items()
            if amount
        ]
        return "; ".join(changes) or _NONE

    def signed(self, money: Money) -> str:
        shown = self.words.compact(Money(abs(money.amount), money.currency))
        if not money.amount:
            return shown
        return ("+" if money.amount > 0 else "\u2212") + shown

    def signed_units(self, value: int) -> str:
        if not value:
            return _NONE
        return ("+" if value > 0 else "\u2212") + self.words.number(abs(value))

    def units(self, side: SystemTotal | None) -> tuple[str, str]:
        if side is None:
            return (_NONE, _NONE)
        words = self.words
        return (
            words.units(side.committed, side.undisclosed_quantity),
            words.units(side.delivered, side.undisclosed_delivered, none=_NONE),
        )

    def state(self, state: PledgeState | None) -> str:
        """What a pledge adds on one side, in a few words."""
        _ = self._
        if state is None:
            return _("not in this ledger")
        if not state.active:
            return _("not counted ({status})").format(status=state.status.value)
        parts = []
        if state.counted_amount is not None and state.currency is not None:
            parts.append(self.words.compact(Money(state.counted_amount, state.currency)))
        elif state.money_counted and state.top_level:
            parts.append(_("value undisclosed"))
        if state.system is not None:
            quantity = state.counted_quantity
            units = _("undisclosed") if quantity is None else self.words.number(quantity)
            parts.append(f"{units} {state.variant or state.system}")
        return ", ".join(parts) or _("counted, no figure")

    # --- tables ---------------------------------------------------------------------------

    def party(self, entry: DonorDifference) -> str:
        donor = self.words.party(entry.donor)
        if len({e.recipient for e in self.comparison.donors}) > 1:
            return f"{donor} \u2192 {self.words.party(entry.recipient)}"
        return donor

    def overview(self, entries: tuple[DonorDifference, ...]) -> Table:
        _ = self._
        headers = (
            _("Donor"),
            _("Committed in {name}").format(name=self.a),
            _("Committed in {name}").format(name=self.b),
            _("Difference"),
            _("Pledges that differ"),
        )
        rows = tuple(
            (
                self.party(entry),
                self.committed(entry.a),
                self.committed(entry.b),
                self.difference(entry),
                self.words.number(len(entry.pledges)),
            )
            for entry in entries
        )
        return Table(headers, rows, (False, True, True, True, True))

    def donor(self, entry: DonorDifference) -> list[Block]:
        _ = self._
        blocks: list[Block] = [Heading(2, self.party(entry))]
        rows = [
            (_("Committed in {name}").format(name=self.a), self.committed(entry.a)),
            (_("Committed in {name}").format(name=self.b), self.committed(entry.b)),
            (_("Difference"), self.difference(entry)),
        ]
        delivered = self.delivered_difference(entry.delivered_difference)
        if delivered != _NONE:
            rows.append((_("Delivered, difference"), delivered))
        blocks.append(Fields(tuple(rows)))
        lines = [line for line in entry.systems if line.differs]
        if lines:
            blocks.append(Heading(3, _("Systems")))
            blocks.append(
                Table(
                    (
                        _("System"),
                        _("Committed in {name}").format(name=self.a),
                        _("Committed in {name}").format(name=self.b),
                        _("Difference"),
                        _("Delivered in {name}").format(name=self.a),
                        _("Delivered in {name}").format(name=self.b),
                    ),
                    tuple(
                        (
                            line.name,
                            self.units(line.a)[0],
                            self.units(line.b)[0],
                            self.signed_units(line.committed_difference),
                            self.units(line.a)[1],
                            self.units(line.b)[1],
                        )
                        for line in lines
                    ),
                    (False, True, True, True, True, True),
                )
            )
        if entry.pledges:
            blocks.append(Heading(3, _("Pledges that explain it")))
            blocks.append(self.pledges(entry.pledges))
        return blocks

    def delivered_difference(self, values: Mapping[str, Decimal]) -> str:
        changes = [self.signed(Money(a, c)) for c, a in values.items() if a]
        return "; ".join(changes) or _NONE

    def pledges(self, changes: tuple[PledgeChange, ...]) -> Table:
        _ = self._
        kinds = {
            "only_a": _("only in {name}").format(name=self.a),
            "only_b": _("only in {name}").format(name=self.b),
            "changed": _("changed"),
        }
        return Table(
            (
                _("Pledge"),
                _("Change"),
                _("In {name}").format(name=self.a),
                _("In {name}").format(name=self.b),
            ),
            tuple(
                (
                    change.id,
                    kinds[change.change],
                    self.state(change.a),
                    self.state(change.b),
                )
                for change in changes
            ),
            (False, False, False, False),
        )
