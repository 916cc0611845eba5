"""The blocks of a summary's report (``report`` writes them out in each format): the
overview, each donor's section, the report by system, in the reader's words.

Nothing undisclosed is ever shown as a number here: "none disclosed" with the count of
pledges behind it, lower bounds (``≥ $1.2B, 3 undisclosed``), "no deliveries recorded"
(docs/reports.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from aidledger._blocks import Block, Bullets, Fields, Heading, Paragraph, Table
from aidledger._words import Words

if TYPE_CHECKING:
    from aidledger.money import Money
    from aidledger.summary import (
        CheckpointCheck,
        DonorSummary,
        Summary,
        SystemSummary,
        SystemTotal,
        Variant,
    )

__all__ = ["NONE", "SummaryReport"]

#: What a cell shows when there is nothing to show (an en dash).
NONE = "\u2013"


class SummaryReport:
    """The blocks of a summary's report in one reader's words: the whole report by donor
    (:meth:`blocks`) or by system (:meth:`systems`), one donor's section, and the totals
    a ``repr`` shows."""

    def __init__(self, summary: Summary | None, words: Words, currency: str | None = None) -> None:
        self.summary = summary
        self.words = words
        self._ = words._
        self.currency = currency if summary is None or currency else summary.currency

    # --- the whole report -------------------------------------------------------------

    def blocks(self, top: int | None = None) -> list[Block]:
        _ = self._
        summary = self.summary
        assert summary is not None
        blocks = self.opening(_("Military assistance as of {date}"))
        if summary.as_of is None:
            return blocks
        if not summary.donors:
            blocks.append(Paragraph(_("No donor has a record as of this date.")))
        ordered = self.ordered()
        if len(summary.donors) > 1:
            blocks.extend(self.overview(ordered, top))
        for entry in ordered:
            blocks.extend(self.donor(entry))
        return blocks

    def opening(self, title: str) -> list[Block]:
        """The title (*title* with the summary's date), the note and the scope; or, for
        an empty ledger, that it is empty."""
        _ = self._
        summary = self.summary
        assert summary is not None
        if summary.as_of is None:
            return [Heading(1, _("Military assistance")), Paragraph(_("The ledger is empty."))]
        dated = title.format(date=self.words.date(summary.as_of, "long"))
        return [Heading(1, dated), Paragraph(self.introduction()), Fields(self.scope())]

    def introduction(self) -> str:
        _ = self._
        text = _(
            "Amounts are shown to their currency's minor unit (cents); the JSON and data "
            "exports hold them exactly. Values and quantities that no source gives are "
            "counted as undisclosed, never as zero: a total beside undisclosed values is a "
            "lower bound (≥)."
        )
        if self.currency is not None:
            text += " " + _(
                "Totals in {currency} are converted at the rate in force on each pledge's "
                "commitment date and rounded once."
            ).format(currency=self.currency)
        return text

    def scope(self) -> tuple[tuple[str, str], ...]:
        """Which recipients the summary covers, and whether that is every one."""
        _ = self._
        summary = self.summary
        assert summary is not None
        names = ", ".join(self.words.party(code) for code in summary.recipients) or NONE
        if summary.recipient_filter is None:
            covered = _("{recipients}: every recipient in the ledger").format(recipients=names)
        else:
            covered = _("{recipients} (as asked)").format(recipients=names)
        return ((_("Recipients"), covered),)

    def several_recipients(self) -> bool:
        return self.summary is not None and len(self.summary.recipients) > 1

    def ordered(self) -> list[DonorSummary]:
        """The donors in the overview's order: by committed value in the reporting
        currency (donors with nothing disclosed after those with a value), else by name."""
        assert self.summary is not None
        donors = list(self.summary.donors)
        name = self.words.country
        if self.currency is None:
            donors.sort(key=lambda e: (name(e.donor), e.donor, name(e.recipient), e.recipient))
        else:
            donors.sort(key=lambda e: (*_rank_key(e), name(e.donor), name(e.recipient)))
        return donors

    def overview(self, donors: list[DonorSummary], top: int | None) -> list[Block]:
        _ = self._
        words = self.words
        ranked = self.currency is not None
        if ranked:
            note = _(
                "Donors ranked by committed value in {currency}; those with no disclosed "
                "value come last, unranked."
            ).format(currency=self.currency)
        else:
            note = _(
                "Donors in alphabetical order: give a reporting currency to rank them by value."
            )
        headers = [_("Donor")]
        if self.several_recipients():
            headers.append(_("Recipient"))
        headers += [_("Committed"), _("Delivered"), _("Delivered share"), _("Pledges")]
        numeric = [False] * (len(headers) - 4) + [True] * 4
        if ranked:
            headers.insert(0, _("Rank"))
            numeric.insert(0, True)
        shown = donors if top is None else donors[:top]
        rows = []
        rank = 0
        for entry in shown:
            committed, delivered, share = self.totals(entry, compact=True)
            row = [words.party(entry.donor)]
            if self.several_recipients():
                row.append(words.party(entry.recipient))
            row += [committed, delivered, share, words.number(entry.pledges)]
            if ranked:
                valued = _rank_key(entry)[0] == 0
                rank += valued
                row.insert(0, words.number(rank) if valued else NONE)
            rows.append(tuple(row))
        blocks: list[Block] = [
            Heading(2, _("Overview")),
            Paragraph(note),
            Table(tuple(headers), tuple(rows), tuple(numeric)),
        ]
        if len(shown) < len(donors):
            blocks.append(
                Paragraph(
                    _("The first {shown} of {count} donors; each has its section below.").format(
                        shown=words.number(len(shown)), count=words.number(len(donors))
                    )
                )
            )
        return blocks

    # --- figures as cells -------------------------------------------------------------

    def totals(self, entry: DonorSummary, compact: bool) -> tuple[str, str, str]:
        """Committed, delivered and the delivered share, as shown in a table cell."""
        _ = self._
        words = self.words
        show: Callable[[Money], str] = words.compact if compact else words.headline
        if entry.committed:
            committed = self.amounts(entry.committed, entry.committed_total, show)
            committed = self.at_least(committed, entry.undisclosed_value)
        elif entry.pledges:
            committed = self.none_disclosed(entry.undisclosed_value)
        else:
            committed = _("no pledges")
        if not entry.delivers:
            delivered = _("no deliveries recorded")
        elif entry.delivered:
            delivered = self.amounts(entry.delivered, entry.delivered_total, show)
            delivered = self.at_least(delivered, entry.undisclosed_delivered_value)
        else:
            delivered = self.none_disclosed(entry.undisclosed_delivered_value)
        return committed, delivered, self.share(entry)

    def amounts(
        self, by_currency: Mapping[str, Money], total: Money | None, show: Callable[[Money], str]
    ) -> str:
        """The disclosed amounts: in the reporting currency, else each in its own."""
        if total is not None:
            return show(total)
        return "; ".join(show(money) for money in by_currency.values())

    def at_least(self, shown: str, undisclosed: int) -> str:
        return self.words.at_least(shown, undisclosed)

    def none_disclosed(self, count: int) -> str:
        if not count:
            return self._("none disclosed")
        return self.words.ngettext(
            "none disclosed ({count} pledge)", "none disclosed ({count} pledges)", count
        ).format(count=self.words.number(count))

    def share(self, entry: DonorSummary) -> str:
        """The delivered share, when it means something: both sides fully disclosed, in
        one currency (or the reporting currency), something committed."""
        if entry.undisclosed_value or entry.undisclosed_delivered_value or not entry.delivered:
            return NONE
        if entry.committed_total is not None and entry.delivered_total is not None:
            committed, delivered = entry.committed_total.amount, entry.delivered_total.amount
        elif len(entry.committed) == 1 and set(entry.delivered) <= set(entry.committed):
            (currency, money), *_ = entry.committed.items()
            committed = money.amount
            delivered = (
                entry.delivered[currency].amount if currency in entry.delivered else Decimal(0)
            )
        else:
            return NONE
        if committed <= 0:
            return NONE
        return self.words.share(Decimal(delivered), committed)

    def line_cells(self, line: SystemTotal | Variant | SystemSummary) -> tuple[str, str]:
        return (
            self.words.units(line.committed, line.undisclosed_quantity),
            self.words.units(line.delivered, line.undisclosed_delivered, none=NONE),
        )

    # --- one donor --------------------------------------------------------------------

    def heading(self, entry: DonorSummary) -> str:
        donor = self.words.party(entry.donor)
        if self.several_recipients():
            return f"{donor} \u2192 {self.words.party(entry.recipient)}"
        return donor

    def donor(self, entry: DonorSummary) -> list[Block]:
        _ = self._
        words = self.words
        blocks: list[Block] = [Heading(2, self.heading(entry))]
        committed, delivered, share = self.totals(entry, compact=False)
        rows: list[tuple[str, str]] = []
        rows.append((_("Recipient"), words.party(entry.recipient)))
        rows.append((_("Committed"), self.own_currencies(entry.committed, entry, "committed")))
        if self.converted(entry.committed):
            rows.append((_("Committed, in {currency}").format(currency=self.currency), committed))
        rows.append((_("Delivered"), self.own_currencies(entry.delivered, entry, "delivered")))
        if entry.delivered and self.converted(entry.delivered):
            rows.append((_("Delivered, in {currency}").format(currency=self.currency), delivered))
        if share != NONE:
            rows.append((_("Delivered share"), share))
        rows.append(
            (
                _("Pledges"),
                words.ngettext(
                    "{count} top-level pledge", "{count} top-level pledges", entry.pledges
                ).format(count=words.number(entry.pledges)),
            )
        )
        blocks.append(Fields(tuple(rows)))
        if entry.systems:
            blocks.append(Heading(3, _("Systems")))
            table = self.systems_table(entry.systems)
            note = self.systems_note()
            if table.sub:
                note += " " + _("Indented lines: the system as written.")
            blocks += [table, Paragraph(note)]
        if entry.discussed:
            blocks.append(Heading(3, _("Requested or under consideration (not counted)")))
            statuses = {"requested": _("requested"), "considering": _("under consideration")}
            blocks.append(
                Table(
                    (_("Date"), _("Status"), _("System"), _("Pledge")),
                    tuple(
                        (
                            words.date(item.date),
                            statuses[item.status.value],
                            self.written(item.name, item.system),
                            item.id,
                        )
                        for item in entry.discussed
                    ),
                    (False, False, False, False),
                )
            )
        if entry.checkpoints:
            blocks.append(Heading(3, _("Checkpoints: stated totals beside the ledger")))
            blocks.append(
                Table(
                    (_("Date"), _("Stated"), _("Ledger"), _("Difference"), _("Within tolerance")),
                    tuple(self.checkpoint(check) for check in entry.checkpoints),
                    (False, True, True, True, False),
                )
            )
        if entry.sources:
            blocks.append(Heading(3, _("Sources")))
            blocks.append(Bullets(entry.sources, links=True))
        return blocks

    def converted(self, amounts: Mapping[str, Money]) -> bool:
        """Whether a line in the reporting currency says more than the amounts in their
        own currencies (it does when one of them is in another currency)."""
        return self.currency is not None and any(c != self.currency for c in amounts)

    def own_currencies(self, amounts: Mapping[str, Money], entry: DonorSummary, which: str) -> str:
        """The committed or delivered amounts in their own currencies, as a field."""
        words = self.words
        if which == "committed":
            if not amounts:
                return self.totals(entry, compact=False)[0]
            return self.at_least(
                "; ".join(words.headline(m) for m in amounts.values()), entry.undisclosed_value
            )
        if not amounts:
            return self.totals(entry, compact=False)[1]
        return self.at_least(
            "; ".join(words.headline(m) for m in amounts.values()),
            entry.undisclosed_delivered_value,
        )

    def systems_table(self, lines: tuple[SystemTotal, ...]) -> Table:
        _ = self._
        rows: list[tuple[str, str, str]] = []
        sub: set[int] = set()
        for line in sorted(lines, key=lambda line: line.name.casefold()):
            rows.append((line.name, *self.line_cells(line)))
            if len(line.variants) > 1:
                for variant in line.variants:
                    sub.add(len(rows))
                    rows.append(
                        (self.written(variant.name, line.system), *self.line_cells(variant))
                    )
        return Table(
            (_("System"), _("Committed"), _("Delivered")),
            tuple(rows),
            (False, True, True),
            frozenset(sub),
        )

    def systems_note(self) -> str:
        _ = self._
        return (
            _("Undisclosed: pledges whose number no source gives (≥: at least the number shown).")
            + " "
            + _("{none}: no delivery recorded.").format(none=NONE)
        )

    def written(self, name: str | None, key: str | None) -> str:
        """A system as written, or its catalog name when it was written as its key."""
        if key is None:
            return name or NONE
        return name if name and name != key else self.system_name(key)

    def system_name(self, key: str) -> str:
        if self.summary is not None:
            for entry in self.summary.donors:
                for line in entry.systems:
                    if line.system == key:
                        return line.name
        from aidledger.catalog import default_catalog

        system = default_catalog().get(key)
        return key if system is None else system.name

    def checkpoint(self, check: CheckpointCheck) -> tuple[str, str, str, str, str]:
        _ = self._
        words = self.words

        def value(amount: Decimal | None) -> str:
            if amount is None:
                return NONE
            if check.currency is None:
                unit = self.system_name(check.system) if check.system else ""
                return f"{words.number(amount)} {unit}".strip()
            from aidledger.money import Money

            return words.compact(Money(amount, check.currency))

        if check.within_tolerance is None:
            verdict = _("not comparable")
        else:
            verdict = _("yes") if check.within_tolerance else _("no")
        difference = value(check.difference)
        if check.difference is not None and check.difference > 0:
            difference = "+" + difference
        return (
            words.date(check.date),
            value(check.stated),
            value(check.ledger),
            difference,
            verdict,
        )

    # --- by system --------------------------------------------------------------------

    def systems(self) -> list[Block]:
        """The report by system: each system's figures across donors, then by whom."""
        _ = self._
        words = self.words
        summary = self.summary
        assert summary is not None
        blocks = self.opening(_("Military assistance by system as of {date}"))
        if summary.as_of is None:
            return blocks
        lines = summary.systems()
        if not lines:
            blocks.append(Paragraph(_("No system is committed as of this date.")))
            return blocks
        rows: list[tuple[str, str, str]] = []
        sub: set[int] = set()
        for line in sorted(lines, key=lambda line: line.name.casefold()):
            rows.append((line.name, *self.line_cells(line)))
            for share in sorted(
                line.donors, key=lambda s: (-s.line.committed, words.country(s.donor))
            ):
                who = words.party(share.donor)
                if self.several_recipients():
                    who += f" \u2192 {words.party(share.recipient)}"
                sub.add(len(rows))
                rows.append((who, *self.line_cells(share.line)))
        blocks.append(
            Table(
                (_("System, and by whom"), _("Committed"), _("Delivered")),
                tuple(rows),
                (False, True, True),
                frozenset(sub),
            )
        )
        blocks.append(
            Paragraph(self.systems_note() + " " + _("Indented lines: what each donor gives."))
        )
        return blocks


def _rank_key(entry: DonorSummary) -> tuple[int, Decimal]:
    """Donors with a disclosed value first, the largest first; the rest after."""
    total = entry.committed_total
    if not entry.committed or total is None:
        return (1, Decimal(0))
    return (0, -total.amount)
