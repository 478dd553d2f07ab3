"""Hold the ledger worker process busy until a file exists: a file read handed to it meanwhile waits behind.

The read is held in the real worker process (one process, so a job queued behind the hold waits for it),
deterministically: it goes on when the test creates the file, not after some time.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from pathlib import Path


def _hold_until(path: str) -> None:
    """Run in the worker process: return once ``path`` exists."""
    while not Path(path).exists():
        time.sleep(0.01)


def hold_worker(release: Path) -> Future:
    """Keep the worker busy until ``release`` is created; return the hold's future."""
    from handlers.ledger import worker

    return worker._WORKER.get().submit(_hold_until, str(release))  # the one worker process the bot uses


def waiting_behind_hold() -> int:
    """Return how many jobs the worker has been handed besides the hold (a file read waiting behind it)."""
    from handlers.ledger import worker

    pool = worker._WORKER.pool
    return 0 if pool is None else len(pool._pending_work_items) - 1  # type: ignore[attr-defined]
