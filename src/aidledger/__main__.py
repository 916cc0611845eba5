"""``python -m aidledger``: the same as the ``aidledger`` command."""

import sys

from aidledger.cli import main

sys.exit(main())
