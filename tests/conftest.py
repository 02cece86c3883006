"""Shared test settings."""
import os

from hypothesis import settings

# Property tests: enough examples to find edge cases, deterministic in CI.
settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")
