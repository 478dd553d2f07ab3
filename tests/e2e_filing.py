"""The end-to-end filing harness: a JSONL set's replies filed through the real console dialogue.

Every row becomes an item of one ledger (its content, its gold targets, one unit). A simulated contact says
"填报" and answers each item with the row's progress text, then acts as a real contact would on what the bot
shows: it confirms an echo that shows what it meant (the gold links), answers a clarifying question with the
choice that matches the gold, and retypes once ("重填", then the figures in the form the bot asked for) when
the echo is wrong. What was stored is scored against the gold the way ../shared/eval/score.py scores links;
the parser alone on the same texts (its own targets, as ``ledgerbot parse`` reads them) is scored beside it.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.adapters.console import PLATFORM, ConsoleChat
from bot.app import build_app
from bot.core.clock import SHANGHAI, FakeClock
from bot.operations import cli_invite, cli_open_period
from bot.settings import Settings
from handlers.ledger.importer import import_ledger
from handlers.ledger.table import ParsedItem, ParsedLedger
from nlp.progress import parse_progress
from storage.schemas import TargetInfo

UNIT = "区测试局"
OTHER_UNIT = "区其他局"
USER = "contact"
TOL = 1e-6


def load_rows(paths: Iterable[Path], source: str | None = "chat") -> list[dict[str, Any]]:
    """Return the rows of JSONL files (only ``source`` rows when given)."""
    rows = []
    for path in paths:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if source is None or row.get("source", source) == source:
                    rows.append(row)
    return rows


def _close(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= TOL * max(abs(a), abs(b))


def _links_match(got: dict[int, float], gold: dict[int, float]) -> int:
    return sum(1 for k, v in got.items() if k in gold and _close(v, gold[k]))


def _gold_links(row: dict) -> dict[int, float]:
    return {int(ln["target"]): float(ln["value"]) for ln in row["links"]}


@dataclass
class Score:
    """Links (tp / predicted / gold) and status over a set."""

    tp: int = 0
    pred: int = 0
    gold: int = 0
    status_ok: int = 0
    items: int = 0

    def add(self, tp: int, pred: int, gold: int, status_ok: bool) -> None:
        self.tp, self.pred, self.gold = self.tp + tp, self.pred + pred, self.gold + gold
        self.status_ok += int(status_ok)
        self.items += 1

    @property
    def f1(self) -> float:
        p = self.tp / self.pred if self.pred else 1.0 if not self.gold else 0.0
        r = self.tp / self.gold if self.gold else 1.0 if not self.pred else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        p = self.tp / self.pred if self.pred else 1.0
        r = self.tp / self.gold if self.gold else 1.0
        return (
            f"links {self.tp}/{self.gold} right (P={p:.3f} R={r:.3f} F1={self.f1:.3f}, {self.pred} stored); "
            f"status {self.status_ok}/{self.items} ({self.status_ok / max(self.items, 1):.3f})"
        )


@dataclass
class Report:
    """What the end-to-end run measured."""

    dialogue: Score = field(default_factory=Score)
    first_echo: Score = field(default_factory=Score)  # stored had the contact confirmed the first echo
    parser: Score = field(default_factory=Score)  # the parser alone, its own targets
    messages: int = 0  # the contact's messages from the reply to the confirmation (problems/plan not counted)
    questions: int = 0
    retypes: int = 0
    wrong: list[str] = field(default_factory=list)
    first_wrong: list[str] = field(default_factory=list)  # rows whose first echo was wrong, and why
    parser_rows: dict[str, str] = field(default_factory=dict)  # row id → what the parser alone read

    def text(self) -> str:
        n = max(self.dialogue.items, 1)
        return "\n".join(
            [
                f"items {self.dialogue.items}",
                f"dialogue (stored)     {self.dialogue.line()}",
                f"first echo confirmed {self.first_echo.line()}",
                f"parser alone          {self.parser.line()}",
                f"messages per item {self.messages / n:.2f} (reply to confirmation; +2 for problems and plan)",
                f"clarifying questions {self.questions}; retypes {self.retypes}",
            ]
        )


def parser_score(rows: list[dict], score: Score, seen: dict[str, str] | None = None) -> None:
    """Score ``ledgerbot parse`` on the rows: its own targets, mapped to the gold ones by value and unit."""
    for row in rows:
        result = parse_progress(row["content"], row["progress"])
        to_gold: dict[int, int] = {}
        used: set[int] = set()
        for gi, g in enumerate(row["targets"]):
            for pi, t in enumerate(result.targets):
                if pi not in used and t.unit == g["unit"] and _close(t.value, float(g["value"])):
                    used.add(pi)
                    to_gold[pi] = gi
                    break
        got = {to_gold[ln.target]: ln.value for ln in result.links if ln.target in to_gold}
        gold = _gold_links(row)
        score.add(_links_match(got, gold), len(result.links), len(gold), result.status == row["status"])
        if seen is not None:
            right = (
                _links_match(got, gold) == len(gold) == len(result.links) and result.status == row["status"]
            )
            seen[row["id"]] = f"parser {'right' if right else 'wrong'}: {got} {result.status}"


def ledger_of(rows: list[dict], first: bool = False) -> ParsedLedger:
    """Another unit's items come first, so that a reply numbered "1. … 2. …" names none of ours (a real
    unit's items are numbered [24], [25] …): the numbered-reply shortcut does not file it to other rows.
    ``first``: ours are items 1, 2 … (a reply's line-start numbers may then name them)."""
    others = [] if first else [("占位事项", OTHER_UNIT)] * len(rows)
    items = tuple(
        ParsedItem(
            position=n,
            row=n,
            seq=1,
            category="测试",
            content=content,
            units=(unit,),
            progress="",
            problems="",
            plan="",
        )
        for n, (content, unit) in enumerate([*others, *((r["content"], UNIT) for r in rows)], 1)
    )
    return ParsedLedger(
        source="e2e",
        title="2025年3月测试台账",
        name="e2e",
        subject="测试",
        year=2025,
        month=3,
        plan_month=4,
        header=(),
        items=items,
    )


async def setup_chat(app, rows: list[dict], first: bool = False) -> ConsoleChat:
    """Import the rows as one unit's items (their gold targets when given), open April, bind the contact."""
    async with app.uow() as uow:
        await import_ledger(uow, ledger_of(rows, first), app.clock.now())
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        for item, row in zip(await uow.ledgers.items(ledger.id, unit=UNIT), rows, strict=True):
            if "targets" not in row:
                continue  # the targets the import read from the content
            gold = [
                TargetInfo(idx=i, name=t["name"], value=float(t["value"]), unit=t["unit"], kind=t["kind"])
                for i, t in enumerate(row["targets"])
            ]
            await uow.ledgers.set_targets(item.id, gold)
        await uow.commit()
    ok, message = await cli_open_period(app, "2025-04", "2099-04-25 17:00")
    assert ok, message
    ok, message = await cli_invite(app, UNIT, "contact")
    assert ok, message
    out = io.StringIO()
    chat = ConsoleChat(
        app.engine,
        out,
        files_dir=app.settings.files_dir,
        outbox_dir=app.settings.outbox_dir,
        now=app.clock.now,
    )
    chat.switch(USER)
    await chat.say(f"绑定 {message.strip().splitlines()[-1]}")
    return chat


async def _draft(app) -> tuple[str, dict]:
    async with app.uow() as uow:
        stored = await uow.chats.load_conversation(PLATFORM, USER, USER)
    assert stored is not None
    return stored.step, dict(stored.data.get("draft") or {})


def _answer(amb: dict, choices: tuple[str, ...], gold: dict[int, float], targets: list[dict]) -> str:
    """The choice a contact who meant ``gold`` picks for a question about ``amb``."""
    value = amb.get("value")
    if amb["kind"] == "which_target":
        for i in amb["candidates"]:
            if i in gold and value is not None and _close(gold[i], float(value)):
                return targets[i]["name"]
        return choices[-1]
    if amb["kind"] in ("decrease", "over_target", "claim_below_target"):
        target = amb.get("target")
        for option, label in zip(amb.get("options", ()), choices, strict=False):  # a sum's figures
            if target in gold and _close(gold[target], option):
                return label
        right = target in gold and value is not None and _close(gold[target], float(value))
        return choices[0] if right else choices[-1]
    # the questions that offer figures, then 不记数 and 重填: the figure the contact meant, else 不记数
    meant = gold.get(amb["target"])
    for option, label in zip([*amb.get("options", ()), None], choices, strict=False):
        if (option is None and meant is None) or (None not in (option, meant) and _close(meant, option)):
            return label
    return choices[-1]


def _retype(gold: dict[int, float], targets: list[dict]) -> str:
    """What a contact writes after 重填 when the bot asked for "名称累计N单位"."""
    return "，".join(
        f"{targets[i]['name']}累计{_plain(v)}{targets[i]['unit']}" for i, v in sorted(gold.items())
    )


def _plain(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


async def file_rows(app, rows: list[dict], report: Report) -> None:
    """File every row through the console dialogue and score what was stored."""
    chat = await setup_chat(app, rows)
    for n, row in enumerate(rows, len(rows) + 1):
        await chat.say(f"修改 {n}")  # item by item, so a reply that went astray cannot shift the rest
        await _file_one(app, chat, row, _gold_links(row), report)
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        period = await uow.ledgers.period(ledger.id, "2025-04")
        assert period is not None
        for item, row in zip(await uow.ledgers.items(ledger.id, unit=UNIT), rows, strict=True):
            latest = await uow.submissions.latest(period.id, item_id=item.id, unit=UNIT)
            got = dict(latest[0].achieved) if latest else {}
            status = latest[0].status if latest else ""
            gold = _gold_links(row)
            tp = _links_match(got, gold)
            report.dialogue.add(tp, len(got), len(gold), status == row["status"])
            if tp != len(gold) or len(got) != len(gold) or status != row["status"]:
                report.wrong.append(
                    f"{row['id']}: {row['progress']!r} stored {got} {status}; gold {gold} {row['status']}"
                )


async def _retype_now(chat: ConsoleChat, row: dict, gold: dict[int, float], report: Report) -> None:
    await chat.say(_retype(gold, row["targets"]) or row["progress"])
    report.messages += 1
    report.retypes += 1


async def _file_one(app, chat: ConsoleChat, row: dict, gold: dict[int, float], report: Report) -> None:
    await chat.say(row["progress"])
    report.messages += 1
    first = True
    retyped = False
    for _ in range(12):
        step, draft = await _draft(app)
        if step == "numbered":  # line-start numbers that may be figures: the row is one item's reply
            report.questions += 1
            await chat.say("数量")
            report.messages += 1
            continue
        if step == "clarify":
            report.questions += 1
            amb = draft["pending"][0]
            choices = tuple(re.findall(r"(?m)^  \d+\. (.+)$", chat.last_text))
            pick = _answer(amb, choices, gold, row["targets"])
            assert pick in choices, (chat.last_text, pick, amb)
            await chat.say(str(choices.index(pick) + 1))  # a contact answers by the choice's number
            report.messages += 1
            if pick == "重填" and not retyped:  # the question's 重填: write the figures as the bot asks
                if first:
                    report.first_echo.add(
                        0, 0, len(gold), False
                    )  # confirming alone would have stored nothing
                    first = False
                    report.first_wrong.append(
                        f"{row['id']}: {row['progress']!r} asked {amb} {choices}; gold {gold}"
                    )
                await _retype_now(chat, row, gold, report)
                retyped = True
            continue
        if step != "confirm":
            break  # a numbered reply filed at once, or the dialogue moved on
        got = {int(k): float(v) for k, v in draft["achieved"].items()}
        if first:
            report.first_echo.add(
                _links_match(got, gold), len(got), len(gold), draft["status"] == row["status"]
            )
            first = False
            if (
                _links_match(got, gold) != len(gold)
                or len(got) != len(gold)
                or draft["status"] != row["status"]
            ):
                report.first_wrong.append(
                    f"{row['id']}: {row['progress']!r} first echo {got} {draft['status']}; "
                    f"gold {gold} {row['status']}; {report.parser_rows.get(row['id'], '')}"
                )
        right = _links_match(got, gold) == len(gold) == len(got)
        report.messages += 1
        if right or retyped:
            await chat.say("确认")
            break
        await chat.say("重填")
        await _retype_now(chat, row, gold, report)
        retyped = True
    step, _ = await _draft(app)
    if step == "problems":
        await chat.say("无")
        step, _ = await _draft(app)
    if step == "plan":
        await chat.say("继续推进")


async def run(rows: list[dict], workdir: Path) -> Report:
    """Return the end-to-end figures of ``rows`` (a fresh SQLite database in ``workdir``)."""
    report = Report()
    parser_score(rows, report.parser, report.parser_rows)
    settings = Settings(
        database_url=f"sqlite:///{workdir / 'e2e.db'}",
        files_dir=workdir / "files",
        outbox_dir=workdir / "outbox",
        _env_file=None,
    )
    clock = FakeClock(datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI))
    app = await build_app(settings, clock=clock)
    try:
        await file_rows(app, rows, report)
    finally:
        await app.close()
    return report
