"""Parse a ledger file in a worker process with memory and time limits, so the bot keeps answering.

A hostile file that slips past the limits (handlers/ledger/limits.py) costs the worker, not the bot:
the worker's data segment is capped and it is killed when it takes too long.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path

from handlers import texts
from handlers.ledger.reader import LedgerFileError
from handlers.ledger.table import ParsedLedger

WORKER_SECONDS = 30.0
WORKER_MEMORY = 1024 * 1024 * 1024  # bytes of data segment (heap and private mappings)


def _limit() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (WORKER_MEMORY, hard))


def parse_now(filename: str, data: bytes, now: datetime) -> ParsedLedger:
    """Parse in this process (the worker's body; also what a CLI run uses)."""
    from handlers.ledger.files import parse_ledger_file
    from handlers.ledger.period import previous_month

    try:
        return parse_ledger_file(Path(filename), data, default_period=previous_month(now.date()))
    except MemoryError as exc:
        raise LedgerFileError(Path(filename).name, texts.I14_TOO_COMPLEX) from exc


class _Worker:
    """One warm worker process, started on first use and replaced after it is killed."""

    pool: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_limit
            )
        return self.pool

    def stop(self) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            if process.is_alive():
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)


_WORKER = _Worker()


def stop_worker() -> None:
    """Kill the worker process (after a timeout or a crash, and at shutdown); the next parse starts another."""
    _WORKER.stop()


async def parse_in_worker(
    filename: str, data: bytes, now: datetime, *, seconds: float = WORKER_SECONDS
) -> ParsedLedger:
    """Return the parsed ledger, read in the worker process; a clear refusal when it fails or is too slow."""
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(
            loop.run_in_executor(_WORKER.get(), parse_now, filename, data, now), seconds
        )
    except TimeoutError as exc:
        stop_worker()
        raise LedgerFileError(Path(filename).name, texts.I14_TOO_SLOW.format(seconds=int(seconds))) from exc
    except (BrokenProcessPool, MemoryError) as exc:
        stop_worker()
        raise LedgerFileError(Path(filename).name, texts.I14_TOO_COMPLEX) from exc
