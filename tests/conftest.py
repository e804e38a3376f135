"""Shared test settings."""

import importlib.util
import os
import sys
from pathlib import Path

from hypothesis import settings

# Rich wraps at 80 columns when output is not a terminal; tests read whole lines.
os.environ.setdefault("COLUMNS", "200")

# CI machines are slow and shared: no per-example deadline, and a failing example is printed
# so it can be replayed. HYPOTHESIS_PROFILE=thorough runs ten times more examples.
settings.register_profile("default", deadline=None, print_blob=True)
settings.register_profile("thorough", deadline=None, print_blob=True, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Helper modules of the tests: hostile inputs for the *_fuzz tests (tests/hostile.py), a real
# server in another process (tests/web/httpkit.py), sample content and files
# (tests/web/samples.py). Test files are imported by path, not as a package, so each helper is
# registered under a name they can import: `import hostile`.
_HELPERS = {"hostile": "hostile.py", "httpkit": "web/httpkit.py", "samples": "web/samples.py"}
for _name, _path in _HELPERS.items():
    _spec = importlib.util.spec_from_file_location(_name, Path(__file__).parent / _path)
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_name] = _module
    _spec.loader.exec_module(_module)
