"""How fast each reader gets every cell of a workbook sheet, and whether they agree.

    python benchmarks/xlsx_readers.py [WORKBOOK.xlsx] [ROUNDS]

The default workbook is the shared Kiel main data sheet (../shared/data/kiel/). Times the
best of ROUNDS (default 3) for python-calamine (what aidledger uses: the ``xlsx`` extra)
and for openpyxl in read-only mode, each reading every row of the first sheet as Python
values, then checks that both give the same values (calamine writes an empty cell as "",
openpyxl as None; calamine gives a date cell as a date, openpyxl as a midnight datetime).
"""

from __future__ import annotations

import datetime
import sys
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "kiel"
DEFAULT = SHARED / "kiel-main-data-release-21-23-donors.xlsx"


def calamine(path: Path) -> list[list[object]]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0)
    return [list(row) for row in sheet.to_python(skip_empty_area=False)]


def openpyxl(path: Path) -> list[list[object]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def _same(a: object, b: object) -> bool:
    if isinstance(b, datetime.datetime) and not isinstance(a, datetime.datetime):
        return a == b.date()
    return a == b or (a == "" and b is None)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    readers: dict[str, Callable[[Path], list[list[object]]]] = {
        "python-calamine": calamine,
        "openpyxl (read-only)": openpyxl,
    }
    results = {}
    for name, reader in readers.items():
        best = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            rows = reader(path)
            best = min(best, time.perf_counter() - start)
        results[name] = rows
        cells = sum(len(row) for row in rows)
        print(f"{name:22} {best:6.3f} s  {len(rows)} rows, {cells} cells")
    first, second = results.values()
    differ = sum(
        not _same(a, b)
        for row_a, row_b in zip(first, second, strict=True)
        for a, b in zip(row_a, row_b, strict=True)
    )
    print(f"cells that differ: {differ}")


if __name__ == "__main__":
    main()
