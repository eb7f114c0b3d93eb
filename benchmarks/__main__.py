"""``python -m benchmarks``: the full benchmark suite (``--quick`` for reduced sizes)."""

from benchmarks.runner import main

raise SystemExit(main())
