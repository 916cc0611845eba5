"""Importers: ledgers from the tables analysts already have.

- :mod:`aidledger.importers.kiel`: the Kiel Institute's Ukraine Support Tracker: the main
  data sheet of its workbook, or its 2022 item table.
- :mod:`aidledger.importers.mapping`: any spreadsheet exported as CSV, through a small
  TOML mapping that names the source column of each field.

Every value an importer cannot take as it is gets a written rule, and each use of a rule
is listed in an :class:`~aidledger.importers.report.ImportReport`: nothing is dropped
silently.
"""
