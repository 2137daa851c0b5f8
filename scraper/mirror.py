"""A local MediaWiki stand-in: serves a folder of saved GDPRhub pages over `api.php` on 127.0.0.1.

For tests and offline use (`gdprkb mirror DIR`). It answers the Action API calls the scraper
makes (allpages with continuation, also as a generator; prop=info/revisions; action=parse in
formatversion 1 and 2), `index.php?title=` (the saved page) and robots.txt. Every request is
logged with a timestamp so tests can count requests and measure the rate. Faults (429 with
Retry-After, 500, slow answers, dropped connections, truncated bodies, a bot-challenge page) can
be injected for the first N API requests or at a seeded random rate, so tests stay deterministic.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from gdprkb.corpus.parse import content_html, page_url, read_meta
from gdprkb.corpus.record import ParseError
from gdprkb.scraper.faults import CHALLENGE_HTML, Faults, gzip_bomb

DEFAULT_ROBOTS = "User-agent: *\nDisallow: /index.php?title=Special:\n"

# "wgCurRevisionId":36791 and "wgRevisionId":36791 in the saved page's RLCONF
_REV_IDS = re.compile(r'("wg(?:Cur)?RevisionId":)\d+')
# the footer link of a saved page: ...index.php?title=X&amp;oldid=36791
_OLDID = re.compile(r"(&amp;oldid=)\d+")


@dataclass
class Entry:
    """One page the mirror serves."""

    title: str
    page_id: int
    revision_id: int
    categories: list[str]
    url: str
    path: Path
    html: str | None = None  # set once bumped; else read from `path`

    def full_html(self) -> str:
        """The saved full page (or its bumped replacement)."""
        return self.html if self.html is not None else self.path.read_text(encoding="utf-8")


@dataclass
class Request:
    """One request as the mirror saw it."""

    at: float  # time.monotonic()
    path: str
    params: dict[str, str]
    user_agent: str
    fault: str | None
    host: str = ""


@dataclass
class Mirror:
    """A folder of saved pages served as a MediaWiki; start() runs it in a background thread."""

    folder: Path
    faults: Faults | None = None
    robots: str | None = DEFAULT_ROBOTS  # None: robots.txt is 404
    max_limit: int = 500  # the largest aplimit honoured ("max" means this)
    generator: bool = True  # answer generator=allpages (else only list=allpages + titles=)
    redirect_to: str | None = None  # answer every API request with a 302 to this base URL
    formatversion: int | None = None  # answer in this formatversion whatever is asked
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        self._lock = threading.Lock()
        self._pages: dict[str, Entry] = {}
        self.skipped: list[tuple[Path, str]] = []  # files that are not saved wiki pages
        for path in sorted(self.folder.glob("*.htm*")):
            try:
                meta = read_meta(path.read_text(encoding="utf-8", errors="replace"))
            except (OSError, ParseError) as e:
                self.skipped.append((path, str(e)))
                continue
            url = meta.url or page_url(meta.title)
            self._pages[meta.title] = Entry(
                meta.title, meta.page_id, meta.revision_id, list(meta.categories), url, path
            )
        self._server: ThreadingHTTPServer | None = None

    # -- state a test can change ------------------------------------------------------------
    def titles(self) -> list[str]:
        """Every served title, in MediaWiki's allpages order."""
        with self._lock:
            return sorted(self._pages, key=_sort_key)

    def entry(self, title: str) -> Entry:
        """The served page with this title."""
        return self._pages[_normalise(title)]

    def bump(self, title: str, transform: str | Callable[[str], str] | None = None) -> int:
        """Publish a new revision of `title` (full html, or a function of the old); its revid."""
        with self._lock:
            e = self._pages[_normalise(title)]
            old = e.full_html()
            new = transform(old) if callable(transform) else (transform or old)
            e.revision_id = max(p.revision_id for p in self._pages.values()) + 1
            e.html = _OLDID.sub(
                rf"\g<1>{e.revision_id}", _REV_IDS.sub(rf"\g<1>{e.revision_id}", new)
            )
            return e.revision_id

    def publish(
        self, title: str, like: str, transform: Callable[[str], str] | None = None
    ) -> Entry:
        """Publish a new page `title`: a copy of page `like` (its html through `transform`),
        with the next free page id and revision id."""
        with self._lock:
            if _normalise(title) in self._pages:
                raise ValueError(f"{title!r} exists already")
            src = self._pages[_normalise(like)]
            html = src.full_html()
            e = Entry(
                _normalise(title),
                max(p.page_id for p in self._pages.values()) + 1,
                max(p.revision_id for p in self._pages.values()) + 1,
                list(src.categories),
                page_url(_normalise(title)),
                src.path,
                transform(html) if transform else html,
            )
            self._pages[e.title] = e
            return e

    def remove(self, title: str) -> None:
        """Delete a page from the wiki."""
        with self._lock:
            del self._pages[_normalise(title)]

    def count(self, **match: str) -> int:
        """How many logged requests have all these params (path=... matches the path)."""
        with self._lock:
            reqs = list(self.requests)
        return sum(
            all((r.path if k == "path" else r.params.get(k)) == v for k, v in match.items())
            for r in reqs
        )

    def reset_log(self) -> None:
        """Forget the logged requests."""
        with self._lock:
            self.requests.clear()

    # -- serving ----------------------------------------------------------------------------
    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        """Serve in a daemon thread; return the base URL (port 0 picks a free one)."""
        self._server = _Server((host, port), _handler(self))
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        """The base URL (the `--wiki` to scrape)."""
        assert self._server is not None, "mirror not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Mirror:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve(self, port: int, announce: Callable[[str], None] | None = None) -> None:
        """Serve in the calling thread until interrupted (the CLI); `announce` gets the URL."""
        self._server = _Server(("127.0.0.1", port), _handler(self))
        if announce:
            announce(self.url)
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    # -- the API ----------------------------------------------------------------------------
    def api(self, q: dict[str, str]) -> dict[str, Any]:
        """Answer one api.php query (a dict of parameters) with the JSON MediaWiki would send."""
        asked = q.get("formatversion") in ("2", "latest")
        v2 = asked if self.formatversion is None else self.formatversion == 2
        action = q.get("action", "")
        if action == "parse":
            return self._parse(q, v2)
        if action != "query":
            return _error("badvalue", f'Unrecognized value for parameter "action": {action}.')
        if q.get("list") == "allpages":
            titles, cont = self._allpages(q, "ap")
            pages = [{"pageid": self.entry(t).page_id, "ns": 0, "title": t} for t in titles]
            out: dict[str, Any] = {"query": {"allpages": pages}}
            if cont:
                out["continue"] = {"apcontinue": cont, "continue": "-||"}
            return out | ({} if cont else {"batchcomplete": True if v2 else ""})
        if q.get("generator") == "allpages" and self.generator:
            titles, cont = self._allpages(q, "gap")
            out = self._props(titles, q, v2)
            if cont:
                out["continue"] = {"gapcontinue": cont, "continue": "gapcontinue||"}
            return out
        if "titles" in q or "pageids" in q:
            if "pageids" in q:
                by_id = {e.page_id: e.title for e in self._pages.values()}
                wanted = [by_id.get(int(i), f"#{i}") for i in q["pageids"].split("|")]
            else:
                wanted = q["titles"].split("|")
            if len(wanted) > 50:
                return _error("toomanyvalues", "Too many values supplied for parameter titles.")
            return self._props(wanted, q, v2)
        return {"batchcomplete": True if v2 else ""}

    def _allpages(self, q: dict[str, str], p: str) -> tuple[list[str], str | None]:
        if q.get(f"{p}namespace", "0") != "0":
            return [], None
        raw = q.get(f"{p}limit", "10")
        limit = self.max_limit if raw == "max" else max(1, min(int(raw), self.max_limit))
        start = q.get(f"{p}continue") or q.get(f"{p}from")
        titles = self.titles()
        if start:
            key = _sort_key(_normalise(start))
            titles = [t for t in titles if _sort_key(t) >= key]
        more = titles[limit] if len(titles) > limit else None
        return titles[:limit], more.replace(" ", "_") if more else None

    def _props(self, titles: list[str], q: dict[str, str], v2: bool) -> dict[str, Any]:
        props = set(q.get("prop", "").split("|"))
        pages: list[dict[str, Any]] = []
        normalized = []
        for i, raw in enumerate(titles):
            t = _normalise(raw)
            if t != raw:
                normalized.append({"from": raw, "to": t})
            e = self._pages.get(t)
            if e is None:
                pages.append({"ns": 0, "title": t, "missing": True if v2 else "", "_id": -1 - i})
                continue
            page: dict[str, Any] = {"pageid": e.page_id, "ns": 0, "title": e.title}
            if "info" in props:
                page |= {
                    "contentmodel": "wikitext",
                    "pagelanguage": "en",
                    "lastrevid": e.revision_id,
                }
                if "url" in q.get("inprop", ""):
                    page |= {"fullurl": e.url, "canonicalurl": e.url}
            if "revisions" in props:
                page["revisions"] = [{"revid": e.revision_id, "parentid": e.revision_id - 1}]
            pages.append(page)
        out: dict[str, Any] = {"batchcomplete": True if v2 else ""}
        query: dict[str, Any] = {}
        if normalized:
            query["normalized"] = normalized
        if v2:
            query["pages"] = [{k: v for k, v in p.items() if k != "_id"} for p in pages]
        else:
            query["pages"] = {str(p.pop("_id") if "_id" in p else p["pageid"]): p for p in pages}
        out["query"] = query
        return out

    def _parse(self, q: dict[str, str], v2: bool) -> dict[str, Any]:
        with self._lock:
            if "pageid" in q:
                e = next((p for p in self._pages.values() if str(p.page_id) == q["pageid"]), None)
            else:
                e = self._pages.get(_normalise(q.get("page", "")))
        if e is None:
            return _error("missingtitle", "The page you specified doesn't exist.")
        props = set(q.get("prop", "text|categories|revid|displaytitle").split("|"))
        out: dict[str, Any] = {"title": e.title, "pageid": e.page_id}
        if "revid" in props:
            out["revid"] = e.revision_id
        if "displaytitle" in props:
            out["displaytitle"] = e.title
        if "text" in props:
            try:
                html = content_html(e.full_html())
            except ParseError:  # a broken page: the wiki would render it anyway
                html = e.full_html()
            out["text"] = html if v2 else {"*": html}
        if "categories" in props:
            key = "category" if v2 else "*"
            out["categories"] = [{"sortkey": "", key: c.replace(" ", "_")} for c in e.categories]
        return {"parse": out}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is normal here (timeouts, Ctrl-C); stay quiet."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _normalise(title: str) -> str:
    """MediaWiki's title normalisation: underscores are spaces, the first letter upper case."""
    t = title.replace("_", " ").strip()
    return t[:1].upper() + t[1:]


def _sort_key(title: str) -> bytes:
    return title.replace(" ", "_").encode("utf-8")


def _error(code: str, info: str) -> dict[str, Any]:
    return {"error": {"code": code, "info": info, "*": "See api.php for API usage."}}


def _handler(mirror: Mirror) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like a real wiki behind nginx
        # headers and body go out in two writes; with Nagle on, each answer waits for a
        # delayed ACK (~40 ms)
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            pass  # the request log is `mirror.requests`

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            is_api = parts.path == "/api.php"
            fault = mirror.faults.draw(params.get("action")) if (mirror.faults and is_api) else None
            with mirror._lock:
                mirror.requests.append(
                    Request(
                        time.monotonic(),
                        parts.path,
                        params,
                        self.headers.get("User-Agent", ""),
                        fault,
                        self.headers.get("Host", ""),
                    )
                )
            if fault == "slow":
                time.sleep(mirror.faults.slow_seconds if mirror.faults else 0)
            if fault and fault != "slow":
                self._fault(fault)
            elif is_api and mirror.redirect_to:
                self._send(302, b"", "text/plain", [("Location", mirror.redirect_to + self.path)])
            elif is_api:
                body = json.dumps(mirror.api(params), ensure_ascii=False).encode("utf-8")
                self._send(200, body, "application/json; charset=utf-8")
            elif parts.path == "/robots.txt" and mirror.robots is not None:
                self._send(200, mirror.robots.encode(), "text/plain; charset=utf-8")
            elif parts.path == "/index.php" and "title" in params:
                try:
                    html = mirror.entry(params["title"]).full_html()
                    self._send(200, html.encode("utf-8"), "text/html; charset=utf-8")
                except KeyError:
                    self._send(404, b"There is currently no text in this page.", "text/plain")
            else:
                self._send(404, b"Not found", "text/plain")

        def _fault(self, kind: str) -> None:
            f = mirror.faults
            assert f is not None
            if kind == "429":
                hdr = [("Retry-After", f"{f.retry_after:g}")]
                self._send(429, b"Too many requests", "text/plain", hdr)
            elif kind == "500":
                self._send(500, b"<h1>Internal Server Error</h1>", "text/html")
            elif kind == "challenge":
                self._send(200, CHALLENGE_HTML.encode(), "text/html; charset=utf-8")
            elif kind == "truncate":
                # alternately a body cut short of its Content-Length, and a complete body
                # that is cut-off JSON
                body = b'{"batchcomplete": "", "query": {"pages": [{"pageid": 1, "title": "Tr'
                cut = f.draw_bool()
                self._send(200, body, "application/json", length=len(body) * 2 if cut else None)
                self.close_connection = cut
            elif kind == "bomb":
                hdr = [("Content-Encoding", "gzip")]
                self._send(200, gzip_bomb(), "application/json", hdr)
            elif kind == "huge":
                self._endless(f.huge_bytes)
            elif kind == "drip":
                self._drip(f.drip_seconds)
            else:  # drop: close without answering
                self.close_connection = True

        def _endless(self, size: int) -> None:
            """A JSON-looking answer of `size` bytes without a Content-Length, in 1 MB writes."""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")  # the body ends when the connection does
            self.end_headers()
            self.close_connection = True
            head = b'{"parse": {"title": "Huge", "text": "'
            self.wfile.write(head)
            chunk = b"a" * 2**20
            for _ in range((size - len(head)) // len(chunk)):
                self.wfile.write(chunk)  # a client that stops reading ends this (broken pipe)

        def _drip(self, seconds: float) -> None:
            """A valid API error answer, sent one byte every `seconds`."""
            body = json.dumps(_error("maxlag", "dripping")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.flush()
            for i in range(len(body)):
                time.sleep(seconds)
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()

        def _send(
            self,
            status: int,
            body: bytes,
            ctype: str,
            headers: list[tuple[str, str]] = (),  # type: ignore[assignment]
            length: int | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

    return Handler
