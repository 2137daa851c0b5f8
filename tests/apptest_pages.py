"""Reading a Streamlit AppTest page as a reader sees it (shared by the app test files)."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def unescape(md: str) -> str:
    """Markdown text as a reader sees it (the app backslash-escapes scraped text)."""
    return re.sub(r"\\(.)", r"\1", md)


def texts(at: AppTest) -> list[str]:
    """Every markdown and caption on the page, unescaped."""
    return [unescape(e.value) for e in (*at.markdown, *at.caption)]


def total_shown(at: AppTest) -> int:
    """The "**N decisions**" count in the results header; 0 on the no-results message."""
    for text in texts(at):
        m = re.match(r"\*\*([\d,]+) decisions?\*\*", text)
        if m:
            return int(m.group(1).replace(",", ""))
    if any(i.value == "No decisions match this search." for i in at.info):
        return 0
    raise AssertionError(f"no result count on the page: {texts(at)[:8]}")


def run_app(**params: str | list[str]) -> AppTest:
    """The app run once for a URL with these query parameters (no exception allowed)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


_CARD = re.compile(r"^#### \[.*?\]\(\?case=(\d+)[&)]", re.S)
_LINK = re.compile(r"\]\(\?([^)]*)\)")


def card_ids(at: AppTest) -> list[int]:
    """Page ids of the result cards, in order (each card's title links to `?case=<id>`)."""
    return [int(m.group(1)) for e in at.markdown if (m := _CARD.match(e.value))]


def link_targets(at: AppTest) -> list[str]:
    """The query strings of every in-app link on the page (`case=12&q=...`, `article=6`)."""
    return [m.group(1) for e in (*at.markdown, *at.caption) for m in _LINK.finditer(e.value)]
