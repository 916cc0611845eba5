"""Summaries for people: a readable, aligned text table per donor.

Numbers and names are formatted by babel for the reader's locale; amounts keep every
digit (nothing is rounded for display except totals in a reporting currency).
"""

from __future__ import annotations

from decimal import Decimal

from aidledger.aggregate import CheckpointCheck, DonorSummary, Summary
from aidledger.money import Money

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "json")


def render(summary: Summary, format: str = "text", locale: str = "en") -> str:
    """*summary* as text for a terminal, or as the JSON of DESIGN 5."""
    if format == "json":
        return summary.to_json(locale)
    if format == "text":
        return _Text(locale).summary(summary)
    raise ValueError(f"unknown format {format!r}: one of {', '.join(FORMATS)}")


class _Text:
    def __init__(self, locale: str) -> None:
        self.locale = locale

    def number(self, value: Decimal | int) -> str:
        from babel.numbers import format_decimal

        return str(format_decimal(value, locale=self.locale, decimal_quantization=False))

    def money(self, money: Money) -> str:
        return f"{self.number(money.amount)} {money.currency}"

    def summary(self, summary: Summary) -> str:
        if summary.as_of is None:
            return "The ledger is empty.\n"
        lines = [f"aidledger summary as of {summary.as_of.isoformat()}"]
        if not summary.donors:
            lines.append("")
            lines.append("No donor has a record as of this date.")
        for entry in summary.donors:
            lines.append("")
            lines.extend(self.donor(entry, summary.currency))
        return "\n".join(lines) + "\n"

    def donor(self, entry: DonorSummary, currency: str | None) -> list[str]:
        title = f"{entry.name(self.locale)} ({entry.donor})"
        lines = [title, "=" * len(title)]
        rows: list[tuple[str, str]] = []
        for label, amounts, total in (
            ("Committed", entry.committed, entry.committed_total),
            ("Delivered", entry.delivered, entry.delivered_total),
        ):
            shown = [self.money(m) for m in amounts.values()] or ["none stated"]
            rows.append((label, shown[0]))
            rows.extend(("", more) for more in shown[1:])
            if total is not None and currency is not None:
                rows.append((f"{label} in {currency}", self.money(total)))
        rows.append(("Pledges", self.number(entry.pledges)))
        rows.append(("Undisclosed value", self.number(entry.undisclosed_value)))
        width = max(len(label) for label, _ in rows)
        lines.extend(f"  {label:<{width}}  {value}" for label, value in rows)
        if entry.systems:
            lines.append("")
            lines.extend(self.systems(entry))
        if entry.discussed:
            lines.append("")
            lines.append("  Under discussion (not counted)")
            lines.extend(
                f"    {item.date.isoformat()}  {item.status.value:<11}  "
                f"{item.system or '-':<16}  {item.id}"
                for item in entry.discussed
            )
        if entry.checkpoints:
            lines.append("")
            lines.append("  Checkpoints (stated totals)")
            lines.extend(f"    {self.checkpoint(check)}" for check in entry.checkpoints)
        return lines

    def systems(self, entry: DonorSummary) -> list[str]:
        header = ("System", "Committed", "Delivered", "Undisclosed")
        rows = [
            (
                line.name,
                self.number(line.committed),
                self.number(line.delivered),
                self.number(line.undisclosed_quantity),
            )
            for line in entry.systems
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
        out = []
        for row in [header, *rows]:
            cells = [row[0].ljust(widths[0])] + [
                cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
            ]
            out.append("  " + "  ".join(cells).rstrip())
        return out

    def checkpoint(self, check: CheckpointCheck) -> str:
        unit = f" {check.currency}" if check.currency else ""
        what = f"{check.system} units" if check.system else "committed"
        stated = f"{self.number(check.stated)}{unit}"
        head = f"{check.date.isoformat()}  {what}: stated {stated}"
        if check.ledger is None or check.difference is None:
            return f"{head}; not comparable: {check.reason}"
        verdict = "within" if check.within_tolerance else "outside"
        sign = "+" if check.difference > 0 else ""
        return (
            f"{head}, ledger {self.number(check.ledger)}{unit}, "
            f"difference {sign}{self.number(check.difference)}{unit} "
            f"({verdict} ±{self.number(check.tolerance)})"
        )
