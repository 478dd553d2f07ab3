"""One path: a reply filed in the dialogue links and classifies exactly as ``ledgerbot parse`` reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.filing.store import read_progress
from handlers.ledger.importer import import_ledger
from nlp.progress import parse_progress
from tests.e2e_filing import UNIT, ledger_of, load_rows

DATA = Path(__file__).resolve().parents[1] / "nlp" / "data"
SEED = Path(__file__).resolve().parents[3] / "shared" / "eval" / "seed.jsonl"


def scorer_inputs() -> list[dict]:
    """The chat rows of the dev and blind sets, and the shared seed when present."""
    rows = load_rows(sorted(DATA.glob("*.jsonl")), "chat")
    return rows + (load_rows([SEED], None) if SEED.exists() else [])


async def test_the_dialogue_reads_every_scorer_input_as_parse_does(app):
    rows = scorer_inputs()
    assert len(rows) >= 100
    async with app.uow() as uow:
        await import_ledger(uow, ledger_of(rows), app.clock.now())  # targets as the import stores them
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        items = await uow.ledgers.items(ledger.id, unit=UNIT)
    differ = []
    for item, row in zip(items, rows, strict=True):
        chat = read_progress(item, row["progress"])
        cli = parse_progress(row["content"], row["progress"])
        if (chat.links, chat.status) != (cli.links, cli.status):
            differ.append(f"{row['id']}: chat {chat.links} {chat.status}; parse {cli.links} {cli.status}")
    assert differ == []


@pytest.mark.parametrize(
    ("content", "progress"),
    [
        ("新建公厕30座，改造公厕20座。", "新建的完成了18座 改造的完成12座"),  # the clause's words
        ("对全区200户困难家庭进行适老化改造。", "已完成适老化改造156户。"),  # 适老化改造 is in the clause
        ("开工建设保障性租赁住房1200套。", "已开工建设保障性租赁住房860套"),  # the target is counted at 开工
    ],
)
async def test_stored_targets_keep_their_words_in_the_content(app, content, progress):
    rows = [{"content": content, "progress": progress}]
    async with app.uow() as uow:
        await import_ledger(uow, ledger_of(rows), app.clock.now())
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        (item,) = await uow.ledgers.items(ledger.id, unit=UNIT)
    assert read_progress(item, progress) == parse_progress(content, progress)
