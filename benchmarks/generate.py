"""Write a deterministic, realistic synthetic ledger for benchmarks.

    python benchmarks/generate.py 1000000 -o benchmarks/out/ledger-1m.csv [--seed 1]

The ledger looks like real ones: many donors and currencies; packages with a value and
item lines (part_of) without one; pledges with histories (considering -> pledged ->
partly delivered -> delivered, some cancelled); undisclosed quantities and values;
requests; stated totals as checkpoints. The same seed and size give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

COLUMNS = (
    "id",
    "date",
    "donor",
    "recipient",
    "system",
    "quantity",
    "amount",
    "currency",
    "delivered_quantity",
    "delivered_amount",
    "status",
    "authority",
    "part_of",
    "source",
    "note",
)
DONORS = [
    ("US", "USD"), ("GB", "GBP"), ("DE", "EUR"), ("FR", "EUR"), ("PL", "PLN"), ("CA", "CAD"),
    ("NO", "NOK"), ("SE", "SEK"), ("DK", "DKK"), ("NL", "EUR"), ("IT", "EUR"), ("ES", "EUR"),
    ("CZ", "CZK"), ("JP", "JPY"), ("AU", "AUD"), ("EU", "EUR"), ("BE", "EUR"), ("FI", "EUR"),
    ("LT", "EUR"), ("EE", "EUR"), ("LV", "EUR"), ("SK", "EUR"), ("PT", "EUR"), ("CH", "CHF"),
]  # fmt: skip
SYSTEMS = [
    "HIMARS", "M142 HIMARS", "NASAMS", "Patriot", "MIM-104 Patriot", "IRIS-T SLM", "Gepard",
    "Stinger", "Javelin", "NLAW", "AT4", "M777", "CAESAR", "PzH 2000", "Krab", "Archer",
    "Leopard 2A6", "Leopard 1A5", "Challenger 2", "Abrams", "M2A2 Bradley", "Marder 1A3",
    "CV90", "Stryker", "M113", "Humvee", "MRAP", "AMX-10 RC", "Switchblade", "Phoenix Ghost",
    "Bayraktar TB2", "Harpoon", "T-72", "Mi-17", "155mm artillery rounds", "Field kitchen",
]  # fmt: skip
AUTHORITIES = ["PDA", "USAI", "FMF", "EPF", "budget", ""]
FIRST = datetime.date(2022, 2, 24)
DAYS = 1100


def _day(rng: random.Random, after: datetime.date | None = None) -> datetime.date:
    if after is None:
        return FIRST + datetime.timedelta(days=rng.randrange(DAYS))
    return after + datetime.timedelta(days=rng.randrange(1, 120))


def _amount(rng: random.Random) -> str:
    whole = rng.choice([10**6, 10**7, 10**8, 10**9]) * rng.randint(1, 99)
    if rng.random() < 0.3:
        return f"{whole // 1000}.{rng.randrange(1000):03d}"
    return str(whole)


def records(size: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """Yield about *size* records (exactly *size*), in file order."""
    rng = random.Random(seed)
    written = 0
    package = 0
    while written < size:
        donor, currency = rng.choice(DONORS)
        package += 1
        pid = f"{donor.lower()}-pkg-{package}"
        day = _day(rng)
        source = f"{donor} ministry of defence, {day.isoformat()}"
        valued = rng.random() < 0.8
        base = {"donor": donor, "currency": currency, "source": source}
        history = [("pledged", day)]
        if rng.random() < 0.2:
            history.insert(0, ("considering", day - datetime.timedelta(days=rng.randrange(1, 30))))
        if rng.random() < 0.3:
            history.append((rng.choice(["delivered", "cancelled"]), _day(rng, day)))
        amount = _amount(rng) if valued else ""
        for status, when in history:
            yield {
                **base,
                "id": pid,
                "date": when.isoformat(),
                "amount": amount,
                "currency": currency if amount else "",
                "status": status,
                "authority": rng.choice(AUTHORITIES),
                "note": "" if rng.random() < 0.9 else "headline value, rounded",
            }
            written += 1
            if written >= size:
                return
        for item in range(rng.randint(0, 8)):
            system = rng.choice(SYSTEMS)
            quantity = rng.randint(1, 400)
            item_id = f"{pid}.{item}"
            priced = not valued and rng.random() < 0.5
            item_history = [("pledged", day, "")]
            if rng.random() < 0.3:
                part = rng.randint(0, quantity)
                item_history.append(("pledged", _day(rng, day), str(part)))
            if rng.random() < 0.15:
                item_history.append(("delivered", _day(rng, day), ""))
            for status, when, delivered in item_history:
                yield {
                    **base,
                    "id": item_id,
                    "date": when.isoformat(),
                    "system": system,
                    "quantity": "" if rng.random() < 0.1 else str(quantity),
                    "amount": _amount(rng) if priced else "",
                    "currency": currency if priced else "",
                    "delivered_quantity": delivered if delivered and quantity else "",
                    "status": status,
                    "part_of": pid,
                }
                written += 1
                if written >= size:
                    return
        if rng.random() < 0.02:
            yield {
                "id": f"{donor.lower()}-request-{package}",
                "date": _day(rng).isoformat(),
                "donor": donor,
                "system": rng.choice(SYSTEMS),
                "status": "requested",
                "source": "Ukrainian government",
            }
            written += 1
        if rng.random() < 0.005:
            yield {
                "id": f"{donor.lower()}-total-{package}",
                "date": _day(rng).isoformat(),
                "donor": donor,
                "amount": str(rng.randint(1, 300) * 10**8),
                "currency": currency,
                "status": "reported",
                "source": "press",
                "note": "stated total",
            }
            written += 1


def write_csv(path: Path, size: int, seed: int = 1) -> None:
    """Write *size* records as interchange CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records(size, seed))


def write_json(path: Path, size: int, seed: int = 1) -> None:
    """Write *size* records as interchange JSON (blank fields left out)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{k: v for k, v in r.items() if v} for r in records(size, seed)]
    with path.open("w", encoding="utf-8") as stream:
        json.dump({"format": "aidledger/1", "records": rows}, stream)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True, help=".csv or .json")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.output.suffix == ".json":
        write_json(args.output, args.size, args.seed)
    else:
        write_csv(args.output, args.size, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
