"""The same summary without aidledger, for benchmarks/run.py to time and cross-check.

    python benchmarks/contenders.py stdlib|pandas|duckdb LEDGER.csv

Each prints the committed totals per donor and currency as of the latest record date, as
JSON (``{"US": {"USD": "123.45"}, ...}``), by the rules of docs/counting-rules.md as far as the
generated ledgers need them: each pledge's state is its last record by date then file
order; a pledge counts when it is pledged or delivered and so is its package; the amount
of an item in a package with an amount is a breakdown, not added again. (The generated
ledgers nest packages one deep and have no cycles, so one join is the whole chain.)

stdlib and DuckDB are exact (Decimal, DECIMAL); pandas sums floats, as an analyst's
script would, and run.py reports how far it lands from the exact totals.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal

COMMITTED = ("pledged", "delivered")


def stdlib(path: str) -> dict[str, dict[str, str]]:
    import csv

    latest: dict[str, dict[str, str]] = {}
    with open(path, newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            current = latest.get(row["id"])
            if current is None or row["date"] >= current["date"]:
                latest[row["id"]] = row
    totals: dict[tuple[str, str], Decimal] = {}
    for row in latest.values():
        if row["status"] not in COMMITTED or not row["amount"]:
            continue
        package = latest.get(row["part_of"]) if row["part_of"] else None
        if (
            package is not None
            and package["status"] != "reported"
            and (package["status"] not in COMMITTED or package["amount"])
        ):
            continue  # inactive with its package, or a breakdown of the package's value
        key = (row["donor"], row["currency"])
        totals[key] = totals.get(key, Decimal(0)) + Decimal(row["amount"])
    return _nested({key: format(value, "f") for key, value in totals.items()})


def pandas(path: str) -> dict[str, dict[str, str]]:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["_row"] = range(len(frame))
    latest = frame.sort_values(["date", "_row"]).drop_duplicates("id", keep="last")
    packages = latest[["id", "status", "amount"]].rename(
        columns={"id": "part_of", "status": "package_status", "amount": "package_amount"}
    )
    joined = latest.merge(packages, on="part_of", how="left")
    no_package = joined["package_status"].isna() | (joined["package_status"] == "reported")
    package_ok = joined["package_status"].isin(COMMITTED) & (joined["package_amount"] == "")
    counted = joined[
        joined["status"].isin(COMMITTED) & (joined["amount"] != "") & (no_package | package_ok)
    ]
    sums = counted.assign(value=counted["amount"].astype(float)).groupby(["donor", "currency"])
    return _nested({key: repr(value) for key, value in sums["value"].sum().items()})


def duckdb(path: str) -> dict[str, dict[str, str]]:
    import duckdb as db

    rows = db.sql(
        f"""
        WITH ledger AS (
            SELECT *, row_number() OVER () AS _row
            FROM read_csv('{path}', all_varchar = true, header = true)
        ), latest AS (
            SELECT * FROM ledger
            QUALIFY row_number() OVER (PARTITION BY id ORDER BY date DESC, _row DESC) = 1
        )
        SELECT item.donor, item.currency,
               sum(CAST(item.amount AS DECIMAL(38, 6))) AS total
        FROM latest AS item LEFT JOIN latest AS package ON item.part_of = package.id
        WHERE item.status IN ('pledged', 'delivered') AND item.amount IS NOT NULL
          AND (package.id IS NULL OR package.status = 'reported'
               OR (package.status IN ('pledged', 'delivered') AND package.amount IS NULL))
        GROUP BY ALL
        """
    ).fetchall()
    return _nested(
        {(donor, currency): format(total.normalize(), "f") for donor, currency, total in rows}
    )


def _nested(flat: dict[tuple[str, str], str]) -> dict[str, dict[str, str]]:
    nested: dict[str, dict[str, str]] = {}
    for (donor, currency), value in sorted(flat.items()):
        nested.setdefault(donor, {})[currency] = value
    return nested


if __name__ == "__main__":
    kind, ledger = sys.argv[1], sys.argv[2]
    print(json.dumps({"stdlib": stdlib, "pandas": pandas, "duckdb": duckdb}[kind](ledger)))
