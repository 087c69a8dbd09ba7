"""Reproducible measurements of the terminal against its speed and scale targets (issue 7).

``python -m benchmarks [--quick]`` prints a table and writes ``benchmarks/RESULTS.md``.
"""
