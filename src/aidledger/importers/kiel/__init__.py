"""The Kiel Institute's Ukraine Support Tracker, imported as a ledger (docs/kiel.md).

Two layouts of Kiel's table are read, each found by its columns, whatever their order:

- the **main data sheet** of the tracker's current workbook (``Bilateral Assistance, MAIN
  DATA``; ``activity_id``, ``sub_activity_id``, ``measure`` ...): one pledge per
  sub-activity, valued at Kiel's allocation (``tot_sub_activity_value_EUR``), its items as
  components; or, with ``measure="commitment"``, the commitments instead, never both;
- the **2022 item table** (``ID``, ``countries``, ``Announcement Date`` ...): one pledge
  per activity valued at ``Converted Value in EUR``, its announcements and items as
  components.

The file may be an Excel workbook (it needs the ``xlsx`` extra) or CSV text in UTF-8 or
UTF-16, told apart by its content. Every value that cannot be taken as written is handled
by one of the :data:`RULES` and listed in the
:class:`~aidledger.importers.report.ImportReport`, and every row is counted as imported
or skipped with its reason: nothing is dropped silently.
"""

from __future__ import annotations

import os
from collections.abc import Collection

from aidledger.catalog import Catalog, default_catalog
from aidledger.errors import LoadError
from aidledger.importers.kiel._common import CITATION
from aidledger.importers.kiel._input import MAIN_SHEET, read_table
from aidledger.importers.kiel._item_table import ITEM_TABLE, ItemTable
from aidledger.importers.kiel._main_data import MEASURES, MainData, main_data_layout
from aidledger.importers.kiel._rules import RULES
from aidledger.importers.report import ImportReport
from aidledger.ledger import Ledger

__all__ = ["CITATION", "MAIN_SHEET", "MEASURES", "RULES", "load", "read"]


def read(
    path: str | os.PathLike[str],
    *,
    aid_types: Collection[str] = ("Military",),
    original_currency: bool = False,
    catalog: Catalog | None = None,
    sheet: str | None = None,
    measure: str = "allocation",
) -> tuple[Ledger, ImportReport]:
    """Import a Kiel table: the ledger, and the report of what was done.

    *aid_types* are the values of the aid type column (``aid_type_general``, ``Type of
    Aid General``) to import, in any case and spacing; other rows are skipped and counted.
    With *original_currency*, amounts are in the currency Kiel reports them in instead of
    its EUR conversion. Item names are resolved through *catalog* (the bundled one by
    default). In a workbook, *sheet* names the sheet to read (by default the one named
    :data:`MAIN_SHEET`, else the first with the columns of a Kiel table). *measure* is
    ``"allocation"`` or ``"commitment"``: which of the main data's measures to import.

    A file that is not a Kiel table (no sheet or header with a layout's key columns),
    cannot be decoded, is cut short, or names a donor that is neither a CLDR country nor
    one of the table's names for one raises :class:`~aidledger.errors.LoadError` naming
    the file, the line and the value; a workbook without the ``xlsx`` extra installed
    raises :class:`~aidledger.errors.MissingExtraError`.
    """
    file = os.fspath(path)
    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r} is not one of {', '.join(map(repr, MEASURES))}")
    catalog = catalog if catalog is not None else default_catalog()
    layouts = (ITEM_TABLE, main_data_layout(measure, original_currency))
    table = read_table(path, layouts, sheet)
    if table.columns.layout is ITEM_TABLE:
        if measure != "allocation":
            raise LoadError(
                f"is a 2022 item table: it has no {MEASURES[measure]!r} rows to import "
                "(its activities are valued as Kiel values them, measure 'allocation')",
                file=file,
            )
        return ItemTable(table, aid_types, original_currency, catalog).run(table.rows)
    importer = MainData(table, aid_types, original_currency, catalog, measure)
    return importer.run(table.rows)


def load(
    path: str | os.PathLike[str],
    *,
    aid_types: Collection[str] = ("Military",),
    original_currency: bool = False,
    catalog: Catalog | None = None,
    sheet: str | None = None,
    measure: str = "allocation",
) -> Ledger:
    """The ledger of a Kiel table (:func:`read` without its report)."""
    ledger, _ = read(
        path,
        aid_types=aid_types,
        original_currency=original_currency,
        catalog=catalog,
        sheet=sheet,
        measure=measure,
    )
    return ledger
