"""aidledger: an exact, sourced ledger of military assistance.

Who pledged what (money and systems), in which status, as of any date, and what that adds
up to per donor: exact (``Decimal``), traceable to the records and sources behind it.

>>> import aidledger
>>> summary = aidledger.bundled().summarize(as_of="2023-01-05")
>>> summary["US"].system("himars").committed
38
"""

from aidledger.aggregate import CheckpointCheck, Discussion, DonorSummary, Summary, SystemTotal
from aidledger.catalog import Catalog, System, default_catalog
from aidledger.errors import (
    AidLedgerError,
    CurrencyMismatchError,
    FieldError,
    LoadError,
    MissingExtraError,
    RateNotFoundError,
)
from aidledger.fx import Quote, RateTable, ecb_rates, load_rates
from aidledger.io import bundled, load, save
from aidledger.ledger import Ledger
from aidledger.model import Pledge, Record, Status
from aidledger.money import Money
from aidledger.validate import Problem, Severity

__all__ = [
    "AidLedgerError",
    "Catalog",
    "CheckpointCheck",
    "CurrencyMismatchError",
    "Discussion",
    "DonorSummary",
    "FieldError",
    "Ledger",
    "LoadError",
    "MissingExtraError",
    "Money",
    "Pledge",
    "Problem",
    "Quote",
    "RateNotFoundError",
    "RateTable",
    "Record",
    "Severity",
    "Status",
    "Summary",
    "System",
    "SystemTotal",
    "bundled",
    "default_catalog",
    "ecb_rates",
    "load",
    "load_rates",
    "save",
]
