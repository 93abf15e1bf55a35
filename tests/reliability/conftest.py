"""Fixtures of the reliability suite: tests/ on sys.path, shared data."""
import os.path as osp
import sys

import mmskr  # noqa: F401  (upstream workarounds before mmagic loads)

TESTS = osp.dirname(osp.dirname(osp.abspath(__file__)))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from test_skrgan import fake_data_root  # noqa: E402,F401  (fixture)
