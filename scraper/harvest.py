"""Harvest a MediaWiki into the corpus: discover pages, compare revisions, fetch, parse, store.

`MediaWikiSource` owns the whole pipeline (juriscraper's AbstractSite, for wikis): robots.txt,
listing with revision ids, fetching only what changed, parsing with the same parser as
`gdprkb ingest`, storing, recording failures for the next run, a summary and a JSON run log.
A wiki is a small subclass that sets class attributes: `scraper/gdprhub.py` is the one we use.

Each page is stored in its own transaction as soon as it arrives, so an interrupted run keeps
everything fetched so far and the next run starts where it stopped.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
from tqdm import tqdm

from gdprkb.corpus.limits import check_id
from gdprkb.corpus.parse import page_url, parse_page
from gdprkb.corpus.record import ArticlePage, NotADecision, PageMeta, ParsedPage, ParseError
from gdprkb.corpus.store import Store, StoreError
from gdprkb.scraper.mediawiki import (
    ApiError,
    Backoff,
    Challenge,
    MediaWikiClient,
    PageInfo,
    WikiError,
)
from gdprkb.scraper.polite import DEFAULT_USER_AGENT, Impolite, Politeness, Stopped


@dataclass
class Summary:
    """What one run did; also the body of its JSON run log."""

    wiki: str
    started: str
    status: str = "running"  # running | done | interrupted | failed | killed (seen later)
    error: str | None = None
    listed: int = 0
    to_fetch: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_a_decision: int = 0
    articles: int = 0  # GDPR article commentary pages, new or updated
    failed: int = 0
    gone: int = 0  # stored pages the wiki no longer has (deleted with prune)
    deleted: int = 0
    requests: dict[str, int] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    log: str | None = None
    pid: int = field(default_factory=os.getpid)  # so a later run can tell a killed one

    def fail(self, title: str, reason: str) -> None:
        """Count a page that could not be stored this run."""
        self.failed += 1
        self.failures.append({"title": title, "reason": reason})

    def line(self) -> str:
        """The one-line human summary."""
        return (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.failed} failed, {self.not_a_decision} not a decision"
            + (f", {self.articles} GDPR article pages" if self.articles else "")
            + (f", {self.gone} gone from the wiki" if self.gone else "")
            + (f" ({self.deleted} deleted)" if self.deleted else "")
            + f"; {self.requests.get('total', 0)} requests"
            + f" in {self.durations.get('total', 0):.1f} s"
        )


@dataclass
class _Fetched:
    """A worker's result for one page (exceptions become `error`, so the batch goes on)."""

    info: PageInfo
    meta: PageMeta | None = None
    raw: bytes = b""
    page: ParsedPage | None = None
    error: str | None = None
    challenge: bool = False
    gone: bool = False


class MediaWikiSource:
    """Harvest one MediaWiki into a Store: politely, incrementally, resumably."""

    wiki: ClassVar[str] = "https://gdprhub.eu"  # where api.php lives
    canonical: ClassVar[str | None] = None  # base of record URLs when scraping a mirror of it
    namespace: ClassVar[int] = 0
    rate: ClassVar[float] = 1.0  # requests per second, 0 = unlimited
    concurrency: ClassVar[int] = 2
    challenge_limit: ClassVar[int] = 5  # consecutive challenge pages before the run gives up
    robots_max_age: ClassVar[float] = 24 * 3600  # RFC 9309: reuse robots.txt for up to a day

    def __init__(
        self,
        store: Store,
        *,
        wiki: str | None = None,
        rate: float | None = None,
        concurrency: int | None = None,
        user_agent: str | None = None,
        backoff: Backoff | None = None,
        runs_dir: str | Path | None = None,
        progress: bool = False,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.store = store
        self.wiki_url = (wiki or self.wiki).rstrip("/")
        self.rate_limit = self.rate if rate is None else rate
        self.workers = max(1, concurrency or self.concurrency)
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.backoff = backoff or Backoff()
        self.transport = transport
        self._connect()
        self.runs_dir = Path(runs_dir) if runs_dir else None
        self.progress = progress

    def _connect(self) -> None:
        # fresh per run: a finished run stops its rate limiter and closes its connections
        self.polite = Politeness(self.wiki_url, self.user_agent, self.rate_limit)
        self.client = MediaWikiClient(self.polite, self.backoff, self.transport)

    def parse(self, html: str, meta: PageMeta) -> ParsedPage:
        """Turn a rendered page into a record: the same parser as `gdprkb ingest`."""
        return parse_page(html, meta, wiki=self.canonical or self.wiki_url)

    def page_meta(
        self, info: PageInfo, title: str, page_id: int, revision: int, categories: list[str]
    ) -> PageMeta:
        """The PageMeta of a fetched page; its URL is the wiki's fullurl on the canonical host.

        ParseError when the wiki gave no usable page or revision id (none, or out of range).
        """
        base = self.canonical or self.wiki_url
        url = info.url if info.url and on_host(info.url, base) else page_url(title, base)
        return PageMeta(
            title,
            check_id(page_id or info.page_id, "page id"),
            check_id(revision or info.revision_id, "revision id"),
            categories,
            url,
        )

    # -- the run ----------------------------------------------------------------------------
    def run(
        self, titles: Iterable[str] | None = None, limit: int | None = None, prune: bool = False
    ) -> Summary:
        """Fetch every page (or `titles`) whose revision differs from the store's; summary."""
        if self.polite.stop.is_set():
            self._connect()
        s = Summary(self.wiki_url, _now())
        s.options = {
            "titles": list(titles) if titles is not None else None,
            "limit": limit,
            "prune": prune,
            "rate": self.rate_limit,
            "concurrency": self.workers,
            "user_agent": self.polite.user_agent,
        }
        t0 = time.monotonic()
        if self.runs_dir is not None:
            close_dead_logs(self.runs_dir)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            s.log = str(self.runs_dir / f"scrape-{stamp}.json")
        self._write_log(s)
        try:
            self._robots()
            plan, complete = self._plan(s, s.options["titles"], limit)
            s.durations["listing"] = round(time.monotonic() - t0, 3)
            t1 = time.monotonic()
            self._fetch_all(plan, s)
            s.durations["fetching"] = round(time.monotonic() - t1, 3)
            if complete:
                self._gone(s, prune)
            s.status = "done"
        except (KeyboardInterrupt, Stopped):
            s.status, s.error = "interrupted", "interrupted; everything stored so far is kept"
        except (WikiError, Impolite) as e:
            s.status, s.error = "failed", str(e)
        except Exception as e:  # e.g. the database: the run ends, its log says why
            s.status, s.error = "failed", f"{type(e).__name__}: {e}"
        finally:
            if s.status == "running":  # anything else that ends the run (SystemExit...)
                s.status, s.error = "interrupted", "the run was ended; everything stored is kept"
            self.polite.stop.set()
            self.client.close()
            s.requests = dict(self.client.requests)
            s.requests["total"] = sum(v for k, v in self.client.requests.items() if k != "retries")
            s.durations["total"] = round(time.monotonic() - t0, 3)
            self._write_log(s)
        return s

    def _robots(self) -> None:
        """Adopt robots.txt: the copy from an earlier run if young enough, else fetched anew."""
        cache = None
        if self.runs_dir is not None:
            host, port = self.polite.host
            cache = self.runs_dir / f"robots-{host}-{port}.json"
            try:
                saved = json.loads(cache.read_text())
                if 0 <= time.time() - float(saved["at"]) < self.robots_max_age:
                    self.polite.load_robots(int(saved["status"]), str(saved["text"]))
                    return
            except (OSError, ValueError, KeyError, TypeError):
                pass  # none yet, or unreadable: fetch it
        status, text = self.client.load_robots()
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps({"at": time.time(), "status": status, "text": text}))

    def _plan(
        self, s: Summary, titles: list[str] | None, limit: int | None
    ) -> tuple[list[PageInfo], bool]:
        """Pages to fetch, earlier failures first; and whether the whole wiki was listed."""
        known = self.store.known_revisions()
        failed = {f["key"] for f in self.store.failures()}
        if titles is not None:
            wanted = list(dict.fromkeys(_normalise(t) for t in titles))
            listing: Iterable[PageInfo] = self.client.page_info(wanted)
        else:
            listing = self.client.iter_pages(self.namespace)
        todo: list[PageInfo] = []
        seen: set[str] = set()
        complete = titles is None
        bar = tqdm(desc="listing", unit="page", disable=not self.progress, leave=False)
        for info in listing:
            seen.add(info.title)
            s.listed += 1
            bar.update()
            stored = known.get(info.title)
            if stored and stored[1] == info.revision_id:
                s.unchanged += 1
                if info.title in failed:  # stale: the page was stored since
                    self.store.clear_failure(info.title)
            else:
                todo.append(info)
                if limit is not None and len(todo) >= limit:
                    complete = False
                    break
        bar.close()
        if titles is not None:
            for t in wanted:
                if t not in seen:
                    s.fail(t, "no such page on the wiki (missingtitle)")
        self._listed = seen
        self._failed = failed
        todo.sort(key=lambda i: i.title not in failed)
        s.to_fetch = len(todo)
        return todo, complete

    def _fetch_all(self, plan: list[PageInfo], s: Summary) -> None:
        """Fetch and parse in worker threads; store in this one, one transaction per page."""
        if not plan:
            return
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="fetch")
        bar = tqdm(total=len(plan), desc="fetching", unit="page", disable=not self.progress)
        challenges = 0
        try:
            futures: list[Future[_Fetched]] = [pool.submit(self._fetch, i) for i in plan]
            for fut in as_completed(futures):
                got = fut.result()
                self._store(got, s)
                bar.update()
                challenges = challenges + 1 if got.challenge else 0
                if challenges >= self.challenge_limit:
                    raise WikiError(
                        f"the wiki answered {challenges} pages in a row with a bot-challenge "
                        "page instead of content; stopped. Try later or at a lower --rate."
                    )
        finally:
            self.polite.stop.set()  # queued fetches end at once instead of requesting
            pool.shutdown(wait=False, cancel_futures=True)
            bar.close()

    def _fetch(self, info: PageInfo) -> _Fetched:
        """Fetch and parse one page (in a worker thread); errors are returned, not raised."""
        got = _Fetched(info)
        try:
            r = self.client.parse(info.title)
            got.meta = self.page_meta(info, r.title, r.page_id, r.revision_id, r.categories)
            got.raw = r.html.encode("utf-8")
            got.page = self.parse(r.html, got.meta)
        except ApiError as e:
            got.gone = e.code == "missingtitle"
            got.error = str(e)
        except Challenge as e:
            got.challenge, got.error = True, str(e)
        except (WikiError, Impolite) as e:
            got.error = str(e)
        except ParseError as e:
            got.error = f"not a usable page: {e}"
        except Exception as e:  # a parser bug on one page must not end the batch
            got.error = f"parser error: {e!r}"
        return got

    def _store(self, got: _Fetched, s: Summary) -> None:
        title = got.info.title
        if got.gone:
            s.gone += 1
            return
        if got.page is None or got.meta is None:
            reason = got.error or "no content"
            self.store.record_failure(title, reason, title=title, page_id=got.info.page_id or None)
            s.fail(title, reason)
            return
        try:
            result = self.store.put(got.page, got.raw, got.meta)
        except (StoreError, ValueError, OverflowError) as e:  # this page's data, not the store
            reason = f"not stored: {e}"
            self.store.record_failure(title, reason, title=title, page_id=got.info.page_id or None)
            s.fail(title, reason)
            return
        if title in self._failed:
            self.store.clear_failure(title)
        if result == "unchanged":
            s.unchanged += 1
        elif isinstance(got.page, NotADecision):
            s.not_a_decision += 1
        elif isinstance(got.page, ArticlePage):
            s.articles += 1
        elif result == "new":
            s.new += 1
        else:
            s.updated += 1

    def _gone(self, s: Summary, prune: bool) -> None:
        """Stored pages the complete listing no longer has: counted, deleted only with prune."""
        for title, (page_id, _rev) in self.store.known_revisions().items():
            if title not in self._listed:
                s.gone += 1
                if prune:
                    self.store.delete(page_id)
                    s.deleted += 1
        for f in self.store.failures():
            if f["title"] and f["title"] not in self._listed and f["key"] == f["title"]:
                self.store.clear_failure(f["key"])

    def _write_log(self, s: Summary) -> None:
        """Write the run log atomically (a killed run leaves one saying 'running')."""
        if s.log is None:
            return
        path = Path(s.log)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(s), indent=2, ensure_ascii=False) + "\n")
        os.replace(tmp, path)


def close_dead_logs(runs_dir: Path) -> list[Path]:
    """Mark run logs still saying "running" whose process is gone (kill -9, power cut) as
    "killed"; the logs changed. The only exit a run cannot record itself."""
    closed = []
    for path in sorted(runs_dir.glob("scrape-*.json")):
        try:
            data = json.loads(path.read_text())
            if data.get("status") != "running" or _alive(int(data.get("pid") or 0)):
                continue
        except (OSError, ValueError, TypeError, AttributeError):
            continue  # unreadable or not ours: leave it
        data["status"] = "killed"
        data["error"] = "the run was killed before it could finish; everything stored is kept"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
        closed.append(path)
    return closed


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (0: unknown, taken as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def on_host(url: str, base: str) -> bool:
    """Whether `url` is a plain http(s) address on the host of `base` (a case URL may be).

    Comparing hosts alone let `javascript://gdprhub.eu/%0Aalert(1)` through: the scheme counts
    too, and so do user info and control characters, which no wiki's page address has.
    """
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return False
    try:
        parts, home = urlsplit(url), urlsplit(base)
        return (
            parts.scheme in ("http", "https")
            and "@" not in parts.netloc
            and parts.hostname is not None
            and parts.hostname == home.hostname
        )
    except ValueError:  # e.g. an invalid port or IPv6 literal
        return False


def _normalise(title: str) -> str:
    """MediaWiki's title form: spaces for underscores, first letter upper case."""
    t = " ".join(title.replace("_", " ").split())
    return t[:1].upper() + t[1:]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
