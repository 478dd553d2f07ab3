"""Chat-side state as one repository: what the engine and the chat handlers keep besides the ledger."""

from __future__ import annotations

from storage.contact_repo import ContactRepository
from storage.conversation_repo import ConversationRepository
from storage.delivery_repo import DeliveryRepository
from storage.inbox_repo import InboxRepository


class ChatRepository(ContactRepository, InboxRepository, ConversationRepository, DeliveryRepository):
    """Contacts, inbox, conversations and deliveries on one session (callers reach them as ``uow.chats``).

    ``ContactRepository.__init__`` runs (first in the MRO); it sets the session every part reads as ``self.s``.
    """
