"""A headless Chromium (Debian's package) driven over the Chrome DevTools Protocol: no browser download."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str:
    """Return the Chromium executable, or fail saying how to install it (never skip)."""
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(
        "Chromium is needed for the dashboard's browser tests: apt-get install chromium (./dev setup)"
    )


class Page:
    """One browser tab: navigate, evaluate JavaScript, set the viewport, take screenshots."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._ids = itertools.count(1)

    async def call(self, method: str, **params: object) -> dict:
        """Send one DevTools command and return its result (events in between are dropped)."""
        msg_id = next(self._ids)
        await self._ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(await asyncio.wait_for(self._ws.recv(), 30))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    async def eval(self, expression: str) -> object:
        """Return the value of a JavaScript expression in the page."""
        result = await self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def _mark(self) -> None:
        await self.eval("window.__ledgerbotOld = true")

    async def wait_loaded(self) -> str:
        """Wait until a new document (one without the mark) has loaded; return its address."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(RuntimeError):
                state = await self.eval(
                    "[document.readyState, location.href, window.__ledgerbotOld === true]"
                )
                if isinstance(state, list) and state[0] == "complete" and not state[2]:
                    return str(state[1])
            await asyncio.sleep(0.05)
        raise TimeoutError("the page did not load")

    async def goto(self, url: str) -> str:
        """Open ``url``; return the address the browser ends on (after redirects)."""
        await self._mark()
        await self.call("Page.navigate", url=url)
        return await self.wait_loaded()

    async def click(self, selector: str) -> str:
        """Click the first element matching ``selector`` and return the address of the page it opens."""
        await self._mark()
        await self.eval(f"document.querySelector({json.dumps(selector)}).click()")
        return await self.wait_loaded()

    async def viewport(self, width: int, height: int, *, mobile: bool) -> None:
        """Emulate a screen (a phone when ``mobile``)."""
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    async def screenshot(self, path: Path) -> bytes:
        """Save a full-page PNG to ``path`` and return it."""
        result = await self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        data = base64.b64decode(result["data"])
        await asyncio.to_thread(_save, path, data)
        return data


def _save(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _devtools_port(profile: Path) -> int | None:
    port_file = profile / "DevToolsActivePort"
    text = port_file.read_text() if port_file.exists() else ""
    return int(text.splitlines()[0]) if text.strip() else None


@contextlib.asynccontextmanager
async def chromium_page() -> AsyncIterator[Page]:
    """Start headless Chromium with a fresh profile and yield its first tab."""
    profile = Path(tempfile.mkdtemp(prefix="ledgerbot-chromium-"))
    proc = await asyncio.create_subprocess_exec(
        chromium_path(),
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        "about:blank",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while (port := await asyncio.to_thread(_devtools_port, profile)) is None:
            if proc.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError("Chromium did not start")
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient() as http:
            targets = (await http.get(f"http://127.0.0.1:{port}/json/list")).json()
        ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        async with connect(ws_url, max_size=None) as ws:
            page = Page(ws)
            await page.call("Page.enable")
            await page.call("Runtime.enable")
            yield page
    finally:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        await asyncio.to_thread(shutil.rmtree, profile, True)
