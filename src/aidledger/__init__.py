"""aidledger: an exact, sourced ledger of military assistance.

Who pledged what (money and systems), in which status, as of any date, and what that adds
up to per donor: exact (``Decimal``), traceable to the records and sources behind it.

>>> import aidledger
>>> summary = aidledger.bundled().summarize(as_of="2023-01-05")
>>> summary["US"].system("himars").committed
38
"""

from aidledger._compare import compare
from aidledger.catalog import Catalog, System, default_catalog
from aidledger.comparison import Comparison, DonorDifference, PledgeChange, SystemDifference
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
from aidledger.model import UNDISCLOSED, Pledge, Record, Status, Undisclosed
from aidledger.money import Money
from aidledger.summary import (
    CheckpointCheck,
    Discussion,
    DonorSummary,
    PledgeState,
    StateTable,
    Summary,
    SystemSummary,
    SystemTotal,
    Variant,
)
from aidledger.validate import Problem, Severity

__all__ = [
    "UNDISCLOSED",
    "AidLedgerError",
    "Catalog",
    "CheckpointCheck",
    "Comparison",
    "CurrencyMismatchError",
    "Discussion",
    "DonorDifference",
    "DonorSummary",
    "FieldError",
    "Ledger",
    "LoadError",
    "MissingExtraError",
    "Money",
    "Pledge",
    "PledgeChange",
    "PledgeState",
    "Problem",
    "Quote",
    "RateNotFoundError",
    "RateTable",
    "Record",
    "Severity",
    "StateTable",
    "Status",
    "Summary",
    "System",
    "SystemDifference",
    "SystemSummary",
    "SystemTotal",
    "Undisclosed",
    "Variant",
    "bundled",
    "compare",
    "default_catalog",
    "ecb_rates",
    "load",
    "load_rates",
    "save",
]
