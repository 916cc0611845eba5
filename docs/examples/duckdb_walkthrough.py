"""From a CSV ledger to SQL over Parquet with DuckDB, and the same totals as summarize().

A notebook-style script: run it whole (``python docs/examples/duckdb_walkthrough.py``) or
cell by cell (``# %%``) in an editor that knows the cells. It needs the ``arrow`` extra
(pyarrow) and DuckDB (``pip install 'aidledger[arrow]' duckdb``).
"""

# %%
# A ledger in a CSV file. Here it is written from the bundled ledger's records, keeping
# the pledges that have one record each: that is the case where plain SQL gives the same
# totals as aidledger (the pledges with a history need the counting rules; see the end).
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb

import aidledger

folder = Path(tempfile.mkdtemp(prefix="aidledger-duckdb-"))
bundled = aidledger.bundled()
one_record_each = [r for r in bundled if len(bundled.pledge(r.id).records) == 1]
aidledger.save(aidledger.Ledger(one_record_each), folder / "pledges.csv")
print(f"{len(one_record_each)} of {len(bundled)} records written to {folder / 'pledges.csv'}")

# %%
# Load the CSV (every value checked) and write it as Parquet. Amounts become exact
# decimals (decimal128 with the scale the data needs), dates date32: no floats anywhere.
ledger = aidledger.load(folder / "pledges.csv")
ledger.write_parquet(folder / "pledges.parquet")
print(ledger.to_arrow().schema.field("amount").type)

# %%
# SQL over the Parquet file: the committed money per donor and currency as of a day
# (status pledged or delivered, dated on or before it), and the top-level pledges
# (no part_of), with how many of them have no disclosed value.
AS_OF = "2023-01-05"
relation = duckdb.sql(
    f"""
    SELECT donor, currency, sum(amount) AS committed
    FROM read_parquet('{folder / "pledges.parquet"}')
    WHERE status IN ('pledged', 'delivered') AND date <= DATE '{AS_OF}'
      AND amount IS NOT NULL
    GROUP BY donor, currency
    ORDER BY donor, currency
    """
)
sql_totals = {(donor, currency): total for donor, currency, total in relation.fetchall()}
print(sql_totals)

pledges = duckdb.sql(
    f"""
    SELECT donor, count(*) AS pledges, count(*) FILTER (WHERE amount IS NULL) AS undisclosed
    FROM read_parquet('{folder / "pledges.parquet"}')
    WHERE status IN ('pledged', 'delivered') AND date <= DATE '{AS_OF}' AND part_of IS NULL
    GROUP BY donor
    ORDER BY donor
    """
)
sql_pledges = {donor: (count, undisclosed) for donor, count, undisclosed in pledges.fetchall()}
print(sql_pledges)

# %%
# The same questions asked of aidledger. SUM over DECIMAL stays exact in DuckDB, so the
# two agree to the last digit: Decimal('20870000000') both ways.
summary = ledger.summarize(as_of=AS_OF)
summary_totals = {
    (entry.donor, currency): money.amount
    for entry in summary
    for currency, money in entry.committed.items()
}
summary_pledges = {
    entry.donor: (entry.pledges, entry.undisclosed_value) for entry in summary if entry.pledges
}
assert sql_totals == summary_totals, (sql_totals, summary_totals)
assert sql_pledges == summary_pledges, (sql_pledges, summary_pledges)
assert all(isinstance(total, Decimal) for total in sql_totals.values())
print("SQL and summarize() agree:", summary_totals)

# %%
# Why only one record per pledge: this SQL sums every committed record. A pledge with a
# history (pledged, then revised or cancelled) would be counted once per record, and a
# package whose items carry amounts would be counted twice. aidledger takes each
# pledge's last record as of the day and counts money once, at the outermost package
# with an amount (docs/counting-rules.md); the SQL above does neither.
shutil.rmtree(folder)
