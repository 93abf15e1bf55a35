"""The experiments of mmskr: Table 1 (``table1``), Table 2 (``table2``) and
the performance benchmark (``perf``), over one runner (``runner``).

This package is not installed with the plugin: it runs from a checkout
(``benchmarks/*.py`` are its command lines) and imports ``mmskr``, never the
other way round.
"""
