"""Shared test configuration: hypothesis profiles and paths to shared fixtures.

Profiles: ``ci`` (the default: derandomized, so every run checks the same examples) and
``deep`` (many more examples, random): ``HYPOTHESIS_PROFILE=deep pytest``, 3,000 a
property unless ``HYPOTHESIS_EXAMPLES`` says how many.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "3000")),
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The folder of the tests' own data files."""
    return FIXTURES
