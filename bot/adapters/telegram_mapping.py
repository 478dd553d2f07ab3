"""Telegram updates as the engine's IncomingMessage: commands, @mentions, button presses, edits, files, membership;
a pressed button acknowledged, a document downloaded."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, TypedDict

import telegram
from telegram import constants
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.adapters.telegram_send import CHOICE_PREFIX, PLATFORM, TEXT_LIMIT, Sleep, escape, utf16_len
from bot.core.messages import Attachment, ChatRef, IncomingMessage, MessageKind

log = logging.getLogger(__name__)
CHOSEN_MARK = "✅"

DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the Bot API's getFile ceiling
_GROUP_TYPES = (constants.ChatType.GROUP, constants.ChatType.SUPERGROUP)


def _msg_id(chat_id: int | str, message_id: int) -> str:
    return f"{chat_id}:{message_id}"


def _chat_ref(chat: telegram.Chat) -> ChatRef:
    return ChatRef(platform=PLATFORM, chat_id=str(chat.id), is_group=chat.type in _GROUP_TYPES)


class _UserFields(TypedDict):
    user_id: str
    user_name: str


def _user_fields(user: telegram.User | None) -> _UserFields:
    if user is None:
        return {"user_id": "", "user_name": ""}
    return {"user_id": str(user.id), "user_name": user.full_name or user.username or ""}


def _strip_addressing(
    message: telegram.Message, text: str, bot_username: str
) -> tuple[MessageKind, str] | None:
    """Return (kind, text) without a command's @botname or a leading @mention; None if for another bot."""
    me = bot_username.lower()
    command = next(
        (e for e in message.entities if e.type == constants.MessageEntityType.BOT_COMMAND and e.offset == 0),
        None,
    )
    if command is not None:
        head, rest = text[: command.length], text[command.length :]
        name, _, target = head.partition("@")
        if target and target.lower() != me:
            return None  # "/report@otherbot" in a group is not ours
        return "command", name + rest
    if me and text.lower().startswith("@" + me):
        tail = text[len(me) + 1 :]
        if not tail or tail[0].isspace():
            return "text", tail.lstrip()
    return "text", text


def _choice_label(query: telegram.CallbackQuery) -> str | None:
    """Return the label of the pressed button, read from the message's own keyboard."""
    data = query.data or ""
    if not data.startswith(CHOICE_PREFIX) or not isinstance(query.message, telegram.Message):
        return None
    markup = query.message.reply_markup
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def update_to_message(
    update: telegram.Update, bot_username: str, *, now: datetime | None = None
) -> IncomingMessage | None:
    """Map a Telegram update to an IncomingMessage; None for updates the engine need not see.

    Documents come back with kind="file" and no attachments: the adapter downloads them.
    ``now`` stamps callback queries, which carry no date of their own.
    """
    if update.callback_query is not None:
        return _callback_to_message(update.callback_query, now or datetime.now(UTC))
    if update.my_chat_member is not None:
        return _member_to_message(update.my_chat_member)
    edited = update.edited_message
    message = edited or update.message
    if message is None:
        return None  # channel posts, inline queries, polls: not part of this bot
    chat = _chat_ref(message.chat)
    base: dict[str, Any] = {"chat": chat, **_user_fields(message.from_user), "sent_at": message.date}
    if message.reply_to_message is not None:
        base["reply_to"] = _msg_id(message.chat.id, message.reply_to_message.message_id)
    if edited is not None:
        stamp = int((edited.edit_date or edited.date).timestamp())
        base.update(
            message_id=f"{_msg_id(message.chat.id, message.message_id)}:edit:{stamp}",
            reply_to=_msg_id(message.chat.id, message.message_id),
            sent_at=edited.edit_date or edited.date,
        )
    else:
        base["message_id"] = _msg_id(message.chat.id, message.message_id)
    if message.text is not None:
        addressed = _strip_addressing(message, message.text, bot_username)
        if addressed is None:
            return None
        kind, text = addressed
        return IncomingMessage(**base, kind="edit" if edited else kind, text=text)
    caption = message.caption or ""
    if message.document is not None:
        too_big = (message.document.file_size or 0) > DOWNLOAD_LIMIT
        kind = "edit" if edited else ("unsupported" if too_big else "file")
        return IncomingMessage(**base, kind=kind, text=caption)
    if message.effective_attachment is not None:
        return IncomingMessage(**base, kind="edit" if edited else "unsupported", text=caption)
    return None  # service messages: joins, pins, title changes


def _callback_to_message(query: telegram.CallbackQuery, now: datetime) -> IncomingMessage | None:
    if query.message is None:
        return None  # pressed on an inline-mode message: no chat to answer in
    if query.data == CHOICE_PREFIX + "-":
        return None  # the already-chosen marker button
    chat = query.message.chat
    label = _choice_label(query)
    return IncomingMessage(
        message_id=f"cb:{query.id}",
        chat=_chat_ref(chat),
        **_user_fields(query.from_user),
        text=label or "",
        sent_at=now,
        kind="choice" if label is not None else "unsupported",
        reply_to=_msg_id(chat.id, query.message.message_id),
    )


def _member_to_message(change: telegram.ChatMemberUpdated) -> IncomingMessage | None:
    inside = (
        constants.ChatMemberStatus.MEMBER,
        constants.ChatMemberStatus.ADMINISTRATOR,
        constants.ChatMemberStatus.OWNER,
        constants.ChatMemberStatus.RESTRICTED,
    )
    was_in, is_in = change.old_chat_member.status in inside, change.new_chat_member.status in inside
    if was_in == is_in:
        return None
    event = "bot_added" if is_in else "bot_removed"
    return IncomingMessage(
        message_id=f"{change.chat.id}:member:{int(change.date.timestamp())}:{event}",
        chat=_chat_ref(change.chat),
        **_user_fields(change.from_user),
        text=event,
        sent_at=change.date,
        kind="event",
    )


async def acknowledge(query: telegram.CallbackQuery, label: str | None) -> None:
    """Stop the button's spinner and show the choice in the message, keyboard removed."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.warning("telegram: answerCallbackQuery failed: %s", exc)
    message = query.message
    if label is None or not isinstance(message, telegram.Message):
        return
    try:
        if message.text is not None:
            text = f"{message.text_html}\n\n{CHOSEN_MARK} {escape(label)}"
            if utf16_len(f"{message.text}\n\n{CHOSEN_MARK} {label}") <= TEXT_LIMIT:
                await message.edit_text(text, parse_mode="HTML", reply_markup=None)
                return
        marker = telegram.InlineKeyboardButton(f"{CHOSEN_MARK} {label}", callback_data=CHOICE_PREFIX + "-")
        await message.edit_reply_markup(telegram.InlineKeyboardMarkup([[marker]]))
    except BadRequest as exc:
        # A redelivered press finds the message already edited ("message is not modified").
        log.info("telegram: choice message not edited: %s", exc)
    except TelegramError as exc:
        log.warning("telegram: choice message not edited: %s", exc)


async def with_download(
    msg: IncomingMessage, document: telegram.Document, *, max_attempts: int, sleep: Sleep
) -> IncomingMessage:
    """Return ``msg`` with the document's bytes attached, retrying network errors."""
    for attempt in range(1, max_attempts + 1):
        try:
            file = await document.get_file()
            content = bytes(await file.download_as_bytearray())
            break
        except NetworkError as exc:
            if isinstance(exc, BadRequest) or attempt == max_attempts:
                raise
            await sleep(min(30.0, 2.0 ** (attempt - 1)))
    attachment = Attachment(
        filename=document.file_name or "file",
        media_type=document.mime_type or "application/octet-stream",
        content=content,
    )
    return msg.model_copy(update={"attachments": (attachment,)})
