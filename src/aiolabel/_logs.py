"""``AIOLABEL_LOG=debug|info`` turns on the library's logging to stderr, as ``OPENAI_LOG`` does
for openai: ``info`` shows retries and reconciles, ``debug`` every request with its status and
time (never a key: see :mod:`aiolabel._secrets`)."""

from __future__ import annotations

import logging
import os

LOG_ENV = "AIOLABEL_LOG"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
FORMAT = "[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s"


def setup_logging() -> None:
    """Apply ``AIOLABEL_LOG`` to the ``aiolabel`` logger (and ``httpx``'s): one stderr handler,
    added once; an unknown value is ignored."""
    level = LEVELS.get(os.environ.get(LOG_ENV, "").strip().lower())
    if level is None:
        return
    for name in ("aiolabel", "httpx"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(getattr(h, "_aiolabel_env", False) for h in logger.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
            handler._aiolabel_env = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
