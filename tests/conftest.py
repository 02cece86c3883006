"""Shared test settings."""
import os

import pytest
from hypothesis import settings

# Property tests: enough examples to find edge cases, deterministic in CI.
settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")


@pytest.fixture
def nest():
    """Skip a NEST test where NEST is missing, except in CI (CI=true), where it must be there."""
    from lifutils.nest_bridge import INSTALL_HINT, nest_available
    if not nest_available():
        if os.environ.get("CI") == "true":
            pytest.fail("NEST is missing in CI: `make test` must install lifutils[nest]. "
                        + INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
