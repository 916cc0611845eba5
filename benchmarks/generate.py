"""Write a deterministic, realistic synthetic ledger for benchmarks.

    python benchmarks/generate.py 1000000 -o benchmarks/out/ledger-1m.csv [--seed 1]

Shaped like the line-item ledgers analysts keep (and like the Kiel table): 24 donors in
their own currencies; packages with a value (most) or without, each with item lines
(``part_of``) naming systems the way people write them, some of them priced
(breakdowns); histories on a minority (considered before pledged, delivered in parts,
delivered, cancelled); undisclosed quantities and values; requests; sources as URLs, a few
notes with commas and quotes; and about ten stated totals (checkpoints) per donor, however
large the ledger. The same seed and size give the same bytes.
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
CHECKPOINTS_PER_DONOR = 10


def _day(rng: random.Random, after: datetime.date | None = None) -> datetime.date:
    if after is None:
        return FIRST + datetime.timedelta(days=rng.randrange(DAYS))
    return after + datetime.timedelta(days=rng.randrange(1, 120))


def _amount(rng: random.Random) -> str:
    whole = rng.choice([10**6, 10**7, 10**8, 10**9]) * rng.randint(1, 99)
    if rng.random() < 0.2:
        return f"{whole // 1000}.{rng.randrange(100):02d}"
    return str(whole)


def _checkpoints(rng: random.Random, donor: str, currency: str) -> Iterator[dict[str, str]]:
    for number in range(CHECKPOINTS_PER_DONOR):
        day = FIRST + datetime.timedelta(days=(number + 1) * DAYS // (CHECKPOINTS_PER_DONOR + 1))
        yield {
            "id": f"{donor.lower()}-total-{number}",
            "date": day.isoformat(),
            "donor": donor,
            "amount": str(rng.randint(1, 300) * 10**8),
            "currency": currency,
            "status": "reported",
            "source": f"https://news.example.org/{donor.lower()}/total-{day.isoformat()}",
            "note": "stated total",
        }


def records(size: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """Yield exactly *size* records, in file order."""
    rng = random.Random(seed)
    written = 0
    checkpoints = [c for donor, currency in DONORS for c in _checkpoints(rng, donor, currency)]
    every = max(1, size // (len(checkpoints) + 1))
    package = 0
    while written < size:
        donor, currency = rng.choice(DONORS)
        package += 1
        pid = f"{donor.lower()}-pkg-{package}"
        day = _day(rng)
        source = f"https://www.mod.example.gov/{donor.lower()}/news/{day.isoformat()}-{package}"
        valued = rng.random() < 0.8
        history = [("pledged", day)]
        if rng.random() < 0.1:
            history.insert(0, ("considering", day - datetime.timedelta(days=rng.randrange(1, 30))))
        if rng.random() < 0.08:
            history.append((rng.choice(["delivered", "delivered", "cancelled"]), _day(rng, day)))
        amount = _amount(rng) if valued else ""
        rows = []
        for status, when in history:
            rows.append(
                {
                    "id": pid,
                    "date": when.isoformat(),
                    "donor": donor,
                    "amount": amount,
                    "currency": currency if amount else "",
                    "status": status,
                    "authority": rng.choice(AUTHORITIES),
                    "source": source,
                    "note": "" if rng.random() < 0.97 else 'headline value, "about"',
                }
            )
        for item in range(rng.randint(0, 12)):
            quantity = rng.randint(1, 400)
            priced = rng.random() < (0.5 if not valued else 0.1)
            base = {
                "id": f"{pid}.{item}",
                "donor": donor,
                "system": rng.choice(SYSTEMS),
                "quantity": "" if rng.random() < 0.1 else str(quantity),
                "amount": _amount(rng) if priced else "",
                "currency": currency if priced else "",
                "part_of": pid,
                "source": source,
            }
            rows.append({**base, "date": day.isoformat(), "status": "pledged"})
            if rng.random() < 0.06:
                part = str(rng.randint(0, quantity)) if base["quantity"] else ""
                later = _day(rng, day).isoformat()
                rows.append(
                    {**base, "date": later, "status": "pledged", "delivered_quantity": part}
                )
            if rng.random() < 0.04:
                rows.append({**base, "date": _day(rng, day).isoformat(), "status": "delivered"})
        if rng.random() < 0.01:
            rows.append(
                {
                    "id": f"{donor.lower()}-request-{package}",
                    "date": _day(rng).isoformat(),
                    "donor": donor,
                    "system": rng.choice(SYSTEMS),
                    "status": rng.choice(["requested", "considering"]),
                    "source": "https://www.president.example.gov.ua/news",
                }
            )
        for row in rows:
            if checkpoints and written % every == every - 1:
                yield checkpoints.pop()
                written += 1
                if written >= size:
                    return
            yield row
            written += 1
            if written >= size:
                return


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
