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
