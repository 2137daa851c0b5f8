"""Shared fixtures: the real sample pages in ../shared (never copied into the repo)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gdprkb.corpus.ingest import ingest
from gdprkb.corpus.store import Store

REPO = Path(__file__).resolve().parent.parent


def _sample_dir() -> Path:
    env = os.environ.get("GDPRKB_SAMPLE_PAGES")
    return Path(env) if env else REPO.parent / "shared" / "gdprhub" / "pages"


@pytest.fixture(scope="session")
def sample_pages() -> Path:
    """Folder of saved GDPRhub pages (GDPRKB_SAMPLE_PAGES or ../shared/gdprhub/pages)."""
    d = _sample_dir()
    if not d.is_dir():
        pytest.fail(f"sample pages not found at {d}: set GDPRKB_SAMPLE_PAGES")
    return d


@pytest.fixture(scope="session")
def manifest(sample_pages: Path) -> dict[int, dict]:
    """page_id -> manifest entry (title, url, revision_id, categories, sha256)."""
    path = sample_pages.parent / "manifest.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {e["page_id"]: e for e in entries}


@pytest.fixture(scope="session")
def sample_db(sample_pages: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus DB holding all the sample pages, ingested once per session. Treat it as
    read-only: copy the file (shutil.copy) before writing to it. Failures are in
    Store(sample_db).failures() (tests/test_ingest.py asserts there are none)."""
    path = tmp_path_factory.mktemp("sample_db") / "corpus.sqlite"
    with Store(path) as store:
        ingest(store, [sample_pages], progress=False)
    return path


@pytest.fixture(scope="session")
def sample_subset(sample_pages: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of symlinks to about 120 of the sample pages (every k-th file): a quick corpus."""
    files = sorted(sample_pages.glob("*.htm*"))
    step = max(1, len(files) // 120)
    folder = tmp_path_factory.mktemp("sample_subset")
    for f in files[::step]:
        (folder / f.name).symlink_to(f.resolve())
    return folder


@pytest.fixture(scope="session")
def tiny_argos_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny real `.argosmodel` files built once by tests/tinymodel.py: 'da_en', 'en_da'.

    Random weights (gibberish output), but installing and translating run the real
    argostranslate code. The folder name avoids the word that argostranslate's splitter
    choice matches against package paths.
    """
    from tinymodel import build_tiny_model

    folder = tmp_path_factory.mktemp("tiny_argos")
    return {
        "da_en": build_tiny_model(folder, "da", "en"),
        "en_da": build_tiny_model(folder, "en", "da"),
    }


@pytest.fixture(scope="session")
def sample_home(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete gdprkb home (--home): a copy of sample_db as corpus.sqlite plus its search
    index built in index/. Read-only for tests: the app and the CLI read it; copy to write."""
    import shutil

    from gdprkb.home import Home
    from gdprkb.index.build import update_index

    home = Home(tmp_path_factory.mktemp("sample_home"))
    shutil.copy(sample_db, home.db)
    with Store(home.db) as store:
        update_index(store, home.index_dir, progress=False)
    return home.root


def small_case(page_id: int, **fields: object):  # noqa: ANN201 (a CaseRecord)
    """A hand-made DPA decision titled "Case N" with the given sections (e.g. facts=...)."""
    from gdprkb.corpus.record import CaseRecord

    return CaseRecord(
        title=f"Case {page_id}",
        url=f"https://gdprhub.eu/index.php?title=Case_{page_id}",
        page_id=page_id,
        revision_id=1,
        kind="dpa",
        **fields,  # type: ignore[arg-type]
    )


def write_index(folder: Path, cases: list):  # noqa: ANN201 (a SearchIndex)
    """A real Whoosh index of hand-made CaseRecords in `folder`, as a finished build leaves it."""
    from whoosh import index as whoosh_index

    from gdprkb.index.build import STATE_FILE
    from gdprkb.index.schema import SCHEMA_VERSION, build_schema, to_document
    from gdprkb.index.search import SearchIndex

    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), build_schema())
    with ix.writer() as writer:
        for c in cases:
            writer.add_document(**to_document(c))
    # What a finished build leaves (index.build.is_complete): a search opens the index.
    state = {"schema_version": SCHEMA_VERSION, "last_seq": 0}
    (folder / STATE_FILE).write_text(json.dumps(state))
    return SearchIndex(folder)


@pytest.fixture
def make_index(tmp_path: Path):  # noqa: ANN201 (a factory)
    """Build a real Whoosh index of hand-made CaseRecords in tmp_path; returns a SearchIndex."""
    return lambda cases: write_index(tmp_path / "index", cases)
