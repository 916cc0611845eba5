"""Loading ledgers from files, and the ledger bundled with the library.

The format is chosen by the file's extension: ``.csv`` (DESIGN 4.1). Loading is
all-or-nothing: the first malformed value stops it with a
:class:`~aidledger.errors.LoadError` that names file, line, field and value.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from aidledger._csvread import read_csv
from aidledger._table import RecordTable
from aidledger.catalog import Catalog, default_catalog
from aidledger.errors import LoadError
from aidledger.ledger import Ledger

__all__ = ["BUNDLED", "bundled", "load"]

#: The name the bundled ledger's file goes by in messages.
BUNDLED = "aidledger/data/ledger.csv"

_READERS = {".csv": read_csv}


def _read(path: str | os.PathLike[str], catalog: Catalog) -> RecordTable:
    suffix = Path(path).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(_READERS))
        raise LoadError(f"has no known ledger extension ({known})", file=os.fspath(path))
    return reader(path, catalog.resolve)


def load(*paths: str | os.PathLike[str], catalog: Catalog | None = None) -> Ledger:
    """Load one or more ledger files, in the order given, into one :class:`Ledger`.

    Records keep file order, and files the order given: that settles ties between
    records of one pledge on the same day (DESIGN 3.1).
    """
    if not paths:
        raise TypeError("load() needs at least one path")
    catalog = catalog if catalog is not None else default_catalog()
    table = _read(paths[0], catalog)
    for path in paths[1:]:
        table.extend(_read(path, catalog))
    return Ledger._from_table(table, catalog)


def bundled() -> Ledger:
    """The ledger shipped with aidledger: US security assistance from 2022-02-24 to
    2023-01-06 and the facts of the seed article, every record citing its source."""
    with resources.as_file(resources.files("aidledger") / "data" / "ledger.csv") as path:
        catalog = default_catalog()
        table = read_csv(path, catalog.resolve, name=BUNDLED)
    return Ledger._from_table(table, catalog)
