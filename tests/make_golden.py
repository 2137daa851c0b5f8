"""Write the golden records of tests/golden.py PAGES from the shared sample pages.

    GDPRKB_SAMPLE_PAGES=../shared/gdprhub/pages python tests/make_golden.py [PAGE_ID ...]

Review every changed file by hand against the page (git diff) before committing it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from golden import PAGES, golden_form, path_of  # noqa: E402

from gdprkb.corpus.parse import parse_page  # noqa: E402
from gdprkb.corpus.record import ArticlePage, CaseRecord  # noqa: E402


def main(argv: list[str]) -> int:
    """Write (or rewrite) the golden files; print which ones changed."""
    env = os.environ.get("GDPRKB_SAMPLE_PAGES")
    folder = Path(env) if env else Path(__file__).resolve().parents[2] / "shared/gdprhub/pages"
    ids = [int(a) for a in argv] or list(PAGES)
    for page_id in ids:
        page = parse_page((folder / f"{page_id}.html").read_bytes())
        if not isinstance(page, CaseRecord | ArticlePage):
            print(f"{page_id}: not a case or article page ({type(page).__name__})")
            return 1
        path = path_of(page_id)
        text = json.dumps(golden_form(page), indent=2, ensure_ascii=False) + "\n"
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            path.write_text(text, encoding="utf-8")
            print(f"{page_id}: {'written' if old is None else 'changed'}  ({PAGES.get(page_id)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
