"""One run at a time per target: two runs of ``aiolabel ingest`` into the same dataset and
project (a double start, a CI retry, two terminals) would each find nothing and each create a
dataset and a project. The second run waits for the first, then finds everything made.

The lock is an ``flock`` on a file in the temporary directory, named by a hash of the endpoint,
the organisation (so two emulators on two files never wait for each other), the dataset and the
project: the system releases it when the process ends, however it ends, so
it never goes stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import anyio

POLL_SECONDS = 0.2


def lock_path(*parts: str) -> Path:
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"aiolabel-locks-{uid}" / f"ingest-{digest[:32]}.lock"


@contextlib.asynccontextmanager
async def target_lock(
    parts: tuple[str, ...], say: Callable[[str], None], *, poll: float = POLL_SECONDS
) -> AsyncIterator[None]:
    """Hold the lock of one target for the block, waiting (cancellably) while another run
    holds it. Without ``fcntl`` (Windows) there is no lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path = lock_path(*parts)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    pid = f" (process {holder})" if holder.isdigit() else ""
                    say(
                        f"another aiolabel ingest into the same dataset and project is "
                        f"running{pid}; waiting for it to finish"
                    )
                    told = True
                await anyio.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
