"""glassnet benchmarks: time glassnet against a peer library on the same data, in one process.

Run ``python -m benchmarks.run --help``. Each workload is one module in
``benchmarks/workloads/`` plus one line in ``benchmarks.workloads.REGISTRY``. The benchmarks
are never part of the library; ``tests/test_benchmarks_smoke.py`` only runs a tiny workload
through the same code path to keep it from rotting.
"""
