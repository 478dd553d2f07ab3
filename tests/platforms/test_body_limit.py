"""Request bodies over 1 MiB get 413 before they are read, on every route (issue 17, case 4)."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.platforms.web_server import WebService

MIB = 1024 * 1024


class ProbePart:
    """A web part whose route reads the whole body (as the Telegram webhook did before checking its secret)."""

    name = "probe"

    def __init__(self) -> None:
        self.read: list[int] = []

    def routes(self):
        async def hook(request: Request) -> PlainTextResponse:
            body = await request.body()
            self.read.append(len(body))
            return PlainTextResponse(f"read {len(body)}")

        return [Route("/probe/hook", hook, methods=["POST"])]

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass


@pytest.fixture
async def served(app):
    part = ProbePart()
    service = WebService(app, [part], name="probe", host="127.0.0.1", port=0)
    await service.start()
    yield service.port, part
    await service.stop()


async def _exchange(port: int, head: bytes, chunks=(), timeout: float = 5.0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head)
        for chunk in chunks:
            try:
                writer.write(chunk)
                await writer.drain()
            except ConnectionError:
                break
        try:
            return await asyncio.wait_for(reader.read(4096), timeout)
        except ConnectionResetError:
            return b""  # the server closed with our unread bytes in its buffer: the kernel sent a reset
    finally:
        writer.close()


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


async def test_a_declared_250_mb_body_is_refused_before_a_byte_is_sent(served):
    port, part = served
    for path in (b"/probe/hook", b"/healthz", b"/telegram/webhook"):
        head = b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 262144000\r\n\r\n"
        response = await _exchange(
            port, head, timeout=3.0
        )  # no body follows: the server must not wait for it
        assert _status(response) == 413, response[:200]
    assert part.read == []


async def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(served, caplog):
    port, part = served
    head = b"POST /probe/hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    piece = b"x" * 65536
    chunks = [b"%x\r\n" % len(piece) + piece + b"\r\n"] * 64  # 4 MiB offered
    response = await _exchange(port, head, chunks)
    # The 413 is sent; a client still writing may instead see the reset of the closed connection.
    assert response == b"" or _status(response) == 413, response[:80]
    assert "refused a streamed body" in caplog.text
    assert part.read == []


async def test_a_body_under_the_limit_is_handled(served):
    port, part = served
    body = b"y" * (MIB - 10)
    head = b"POST /probe/hook HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(
        body
    )
    response = await _exchange(port, head, [body])
    assert _status(response) == 200
    assert part.read == [MIB - 10]


async def test_a_nonsense_length_is_refused(served):
    port, _ = served
    head = b"POST /probe/hook HTTP/1.1\r\nHost: x\r\nContent-Length: 1e9\r\n\r\n"
    response = await _exchange(port, head, timeout=3.0)
    assert _status(response) in (400, 413)
