"""The reliability suite: tests/ on sys.path (for training_runs); the
shared fixtures come from tests/conftest.py."""
import os.path as osp
import sys

import mmskr  # noqa: F401  (upstream workarounds before mmagic loads)

TESTS = osp.dirname(osp.dirname(osp.abspath(__file__)))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

