"""The one way tests and benchmarks serve the app and drive it: `gdprkb serve` on a free port
of 127.0.0.1, and Debian's chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    """Wait until Streamlit answers its health check (fail early if the server died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`gdprkb serve` exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the app did not come up at {url} within {timeout:.0f}s")


@contextmanager
def served_app(home: Path) -> Iterator[str]:
    """`gdprkb --home HOME serve` on a free port for the duration; yields its URL."""
    port = free_port()
    gdprkb = Path(sys.executable).parent / "gdprkb"
    proc = subprocess.Popen(
        [str(gdprkb), "--home", str(home), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium(pw: Playwright, downloads: bool = False) -> Iterator[BrowserContext]:
    """A headless Debian chromium with a throw-away profile."""
    with tempfile.TemporaryDirectory(prefix="gdprkb_chromium_") as profile:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            accept_downloads=downloads,
        )
        try:
            yield context
        finally:
            context.close()
