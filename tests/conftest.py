"""Shared test settings."""

import os

from hypothesis import settings

# Rich wraps at 80 columns when output is not a terminal; tests read whole lines.
os.environ.setdefault("COLUMNS", "200")

# CI machines are slow and shared: no per-example deadline, and a failing example is printed
# so it can be replayed. HYPOTHESIS_PROFILE=thorough runs ten times more examples.
settings.register_profile("default", deadline=None, print_blob=True)
settings.register_profile("thorough", deadline=None, print_blob=True, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
