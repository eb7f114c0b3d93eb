"""Side-by-side benchmarks of aiolabel and the official labelbox SDK against the emulator.

Run ``python -m benchmarks`` (``make bench``) or ``python -m benchmarks --quick``; see
``python -m benchmarks --help`` and ``benchmarks/RESULTS.md``.
"""
