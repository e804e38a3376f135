"""Shared test settings."""

import os

from hypothesis import settings

# CI machines are slow and shared: no per-example deadline, and a failing example is printed
# so it can be replayed. HYPOTHESIS_PROFILE=thorough runs ten times more examples.
settings.register_profile("default", deadline=None, print_blob=True)
settings.register_profile("thorough", deadline=None, print_blob=True, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
