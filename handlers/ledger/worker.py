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
    from handlers.ledger.imports import parse_kept

    try:
        return parse_kept(filename, data, now)
    except MemoryError as exc:
        raise LedgerFileError(Path(filename).name, texts.I14_TOO_COMPLEX) from exc


async def parse_in_worker(
    filename: str, data: bytes, now: datetime, *, seconds: float = WORKER_SECONDS
) -> ParsedLedger:
    """Return the parsed ledger, read in a fresh worker process; a clear refusal when it fails or is too slow."""
    pool = ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_limit
    )
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(pool, parse_now, filename, data, now), seconds)
    except TimeoutError as exc:
        raise LedgerFileError(Path(filename).name, texts.I14_TOO_SLOW.format(seconds=int(seconds))) from exc
    except (BrokenProcessPool, MemoryError) as exc:
        raise LedgerFileError(Path(filename).name, texts.I14_TOO_COMPLEX) from exc
    finally:
        for process in list(getattr(pool, "_processes", {}).values()):
            if process.is_alive():
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
