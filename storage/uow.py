"""The unit of work: one session, its repositories, and an explicit commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.admin_repo import AdminRepository
from storage.chat_repo import ChatRepository
from storage.import_repo import ImportRepository
from storage.ledger_repo import LedgerRepository
from storage.report_reads import ReportReads
from storage.structure_cache import StructureCache
from storage.submission_repo import SubmissionRepository


class UnitOfWork:
    """Open a session for one piece of work; nothing is saved unless ``commit`` is called."""

    session: AsyncSession
    ledgers: LedgerRepository
    submissions: SubmissionRepository
    chats: ChatRepository
    admin: AdminRepository
    reports: ReportReads
    imports: ImportRepository

    def __init__(self, sessionmaker: async_sessionmaker, cache: StructureCache | None = None) -> None:
        self._sessionmaker = sessionmaker
        self._cache = cache

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessionmaker()
        self.ledgers = LedgerRepository(self.session, self._cache)
        self.submissions = SubmissionRepository(self.session, self.ledgers)
        self.chats = ChatRepository(self.session)
        self.admin = AdminRepository(self.session)
        self.reports = ReportReads(self.session, self._cache)
        self.imports = ImportRepository(self.session)
        return self

    async def __aexit__(self, *exc) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        """Make everything done in this unit of work durable."""
        await self.session.commit()

    async def rollback(self) -> None:
        """Throw away everything not yet committed."""
        await self.session.rollback()
