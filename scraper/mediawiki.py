"""A MediaWiki Action API client over httpx: listing, revision ids, rendered pages; retries.

Each call is one GET of `<wiki>/api.php`, made through `Politeness` (rate limit, robots.txt,
same host) and retried by tenacity with exponential backoff and jitter on 429, 5xx, timeouts,
dropped connections, truncated or invalid JSON and bot-challenge pages, honouring Retry-After.
Answers in formatversion 1 and 2 are both understood.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import tenacity

from gdprkb.corpus.limits import MAX_ID, MAX_PAGE_BYTES, TooLarge, read_capped
from gdprkb.corpus.rawpage import challenge_name
from gdprkb.scraper.deadline import DeadlineTransport, deadline
from gdprkb.scraper.polite import Impolite, Politeness, Stopped

BATCH = 50  # titles per prop=info request: MediaWiki's limit for clients without apihighlimits

# API error codes that mean "try again later" rather than "this request is wrong".
_TRANSIENT_CODES = {"maxlag", "ratelimited", "readonly", "internal_api_error_DBQueryError"}


class WikiError(Exception):
    """The wiki did not give a usable answer; the message says why in plain words."""


class Transient(WikiError):
    """A failure worth retrying (overload, network, cut-off answer)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Challenge(Transient):
    """A bot-challenge page (e.g. Anubis) came back instead of the API's JSON."""


class AnswerTooLarge(WikiError):
    """An answer bigger than the per-page limit (corpus.limits.MAX_PAGE_BYTES), unpacked."""


class ApiError(WikiError):
    """The API answered with an error object, e.g. code 'missingtitle'."""

    def __init__(self, code: str, info: str) -> None:
        super().__init__(f"the wiki's API said {code}: {info}")
        self.code = code


@dataclass(frozen=True)
class Backoff:
    """Retry settings: `attempts` tries, waits growing from `initial` to `maximum` seconds."""

    attempts: int = 6
    initial: float = 1.0
    maximum: float = 60.0
    max_retry_after: float = 600.0  # honour a server's Retry-After up to this long
    timeout: float = 30.0  # per request, all of it: connect, wait, every byte of the answer


@dataclass(frozen=True)
class PageInfo:
    """What the listing says about a page: enough to decide whether to fetch it."""

    title: str
    page_id: int
    revision_id: int
    url: str | None = None


@dataclass(frozen=True)
class Rendered:
    """One page as action=parse renders it."""

    title: str
    page_id: int
    revision_id: int
    html: str
    categories: list[str]
    displaytitle: str | None = None


@dataclass(frozen=True)
class Answer:
    """One HTTP answer, read whole (within the size cap)."""

    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    @property
    def text(self) -> str:
        """The body as text (UTF-8, as MediaWiki sends; undecodable bytes replaced)."""
        return self.body.decode("utf-8", "replace")


@dataclass
class MediaWikiClient:
    """The Action API of one wiki, spoken politely."""

    polite: Politeness
    backoff: Backoff = field(default_factory=Backoff)
    transport: httpx.BaseTransport | None = None  # tests may pass one; default is real HTTP

    def __post_init__(self) -> None:
        self.api_url = self.polite.wiki.rstrip("/") + "/api.php"
        self.requests: Counter[str] = Counter()  # by kind, plus "retries"
        self._count_lock = threading.Lock()
        self._http = httpx.Client(
            headers={"User-Agent": self.polite.user_agent, "Accept-Encoding": "gzip"},
            timeout=self.backoff.timeout,
            follow_redirects=True,
            transport=self.transport or DeadlineTransport(),
            # every hop, redirects included, is checked against the host guard and robots.txt
            event_hooks={"request": [lambda r: self.polite.check(str(r.url))]},
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # -- the calls --------------------------------------------------------------------------
    def load_robots(self) -> tuple[int, str]:
        """Fetch and adopt robots.txt (before any API call); its status and text."""
        resp = self._retrying(lambda: self._get(self.polite.robots_url, None, "robots"))
        self.polite.load_robots(resp.status, resp.text)
        return resp.status, resp.text

    def iter_pages(self, namespace: int = 0) -> Iterator[PageInfo]:
        """Every non-redirect page of a namespace with its revision id and URL, 500 a request.

        Uses generator=allpages with prop=info (one request per 500 pages); a wiki that does
        not answer the generator gets list=allpages plus prop=info in batches of 50.
        """
        params: dict[str, Any] = {
            "action": "query",
            "generator": "allpages",
            "gapnamespace": namespace,
            "gapfilterredir": "nonredirects",
            "gaplimit": 500,  # the most a client without apihighlimits may ask
            "prop": "info",
            "inprop": "url",
        }
        batches = self._continued(params, "listing")
        try:
            first = next(batches)
        except ApiError:  # e.g. "unknown generator": an older wiki or a simpler stand-in
            first = {}
        pages = _pages(first)
        if not pages:
            yield from self._iter_pages_by_list(namespace)
            return
        yield from _in_order(pages)
        for data in batches:
            yield from _in_order(_pages(data))

    def _iter_pages_by_list(self, namespace: int) -> Iterator[PageInfo]:
        params: dict[str, Any] = {
            "action": "query",
            "list": "allpages",
            "apnamespace": namespace,
            "apfilterredir": "nonredirects",
            "aplimit": 500,
        }
        for data in self._continued(params, "listing"):
            titles = [p["title"] for p in data.get("query", {}).get("allpages", [])]
            yield from self.page_info(titles)

    def page_info(self, titles: Iterable[str]) -> list[PageInfo]:
        """Revision id and URL of each existing title (missing ones are left out)."""
        titles = list(titles)
        out: list[PageInfo] = []
        for i in range(0, len(titles), BATCH):
            batch = titles[i : i + BATCH]
            params = {
                "action": "query",
                "prop": "info|revisions",  # revisions: for a wiki that omits lastrevid
                "inprop": "url",
                "rvprop": "ids",
                "titles": "|".join(batch),
            }
            out.extend(_pages(self.get(params, "info")))
        return out

    def parse(self, title: str) -> Rendered:
        """The rendered HTML, categories and revision of one page (ApiError if missing)."""
        data = self.get(
            {"action": "parse", "page": title, "prop": "text|categories|revid|displaytitle"},
            "parse",
        )
        p = data.get("parse")
        if not isinstance(p, dict):
            raise Transient(f"action=parse for {title!r} answered without a 'parse' object")
        text = p.get("text")
        if isinstance(text, dict):  # formatversion 1: {"*": html}
            text = text.get("*")
        if not isinstance(text, str):
            raise Transient(f"action=parse for {title!r} answered without the page's text")
        cats = [_category(c) for c in p.get("categories") or []]
        page_id, revision_id = _number(p.get("pageid")), _number(p.get("revid"))
        for what, n in (("page id", page_id), ("revision id", revision_id)):
            if not 0 <= n <= MAX_ID:  # SQLite cannot hold it: this page fails, the run goes on
                shown = str(n) if len(str(n)) < 30 else str(n)[:27] + "..."
                raise WikiError(f"the wiki gave {title!r} the {what} {shown}: out of range")
        return Rendered(
            title=str(p.get("title") or title),
            page_id=page_id,  # 0: not given; the listing's is used
            revision_id=revision_id,  # 0: not given; the listing's is used
            html=text,
            categories=[c for c in cats if c],
            displaytitle=p.get("displaytitle"),
        )

    # -- transport --------------------------------------------------------------------------
    def get(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        """One API call with retries; the decoded JSON (ApiError for an error object)."""
        full = {**params, "format": "json", "formatversion": "2", "maxlag": "5"}
        return self._retrying(lambda: self._decode(self._get(self.api_url, full, kind)))

    def _retrying(self, call: Any) -> Any:
        b = self.backoff
        retryer = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(b.attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(Transient),
            before_sleep=lambda _: self._count("retries"),
            sleep=self._sleep,
            reraise=True,
        )
        return retryer(call)

    def _sleep(self, seconds: float) -> None:
        # a backoff (even a long Retry-After) ends at once when the run is stopping
        if self.polite.stop.wait(seconds):
            raise Stopped("stopping: no more retries")

    def _wait(self, state: tenacity.RetryCallState) -> float:
        b = self.backoff
        exp = tenacity.wait_random_exponential(multiplier=b.initial, max=b.maximum)(state)
        exc = state.outcome.exception() if state.outcome else None
        after = getattr(exc, "retry_after", None)
        if after is not None:
            after = min(float(after), b.max_retry_after)
            self.polite.limiter.hold(after)  # every thread waits, not only this one
            return max(exp, after)
        return exp

    def _get(self, url: str, params: dict[str, Any] | None, kind: str) -> Answer:
        self.polite.check(str(httpx.URL(url, params=params)))
        self.polite.limiter.wait()
        self._count(kind)
        budget = self.backoff.timeout
        try:
            # one budget for every hop of a redirect and every byte of the body
            with deadline(budget), self._http.stream("GET", url, params=params) as resp:
                length = resp.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > MAX_PAGE_BYTES:
                    raise TooLarge(f"Content-Length {length}")
                body = read_capped(resp.iter_bytes(), "the answer")
        except Impolite:
            raise
        except TooLarge as e:
            raise AnswerTooLarge(
                f"the answer of {url} is larger than {MAX_PAGE_BYTES // 2**20} MiB unpacked"
                " (the per-page limit); not read further"
            ) from e
        except httpx.TimeoutException as e:
            raise Transient(
                f"no complete answer from {url} within {budget:g} s ({type(e).__name__})"
            ) from e
        except httpx.DecodingError as e:
            raise Transient(f"an answer from {url} could not be unpacked: {e}") from e
        except httpx.TransportError as e:
            raise Transient(f"connection problem with {url}: {e or type(e).__name__}") from e
        except httpx.HTTPError as e:  # too many redirects, a malformed Location...
            raise WikiError(f"no usable answer from {url}: {e or type(e).__name__}") from e
        answer = Answer(resp.status_code, resp.headers, body, str(resp.url))
        if answer.status == 429 or answer.status >= 500:
            _check_challenge(answer.text)  # some challenges come with 503
            raise Transient(
                f"HTTP {answer.status} from {url}", _retry_after(resp.headers.get("Retry-After"))
            )
        return answer

    def _decode(self, resp: Answer) -> dict[str, Any]:
        body = resp.text
        try:
            data = json.loads(body)
        except ValueError:
            _check_challenge(body)
            html = body.lstrip()[:1] == "<"
            what = (
                "an HTML page (an error or challenge page?)" if html else "invalid or cut-off JSON"
            )
            if resp.status >= 400:
                raise WikiError(f"HTTP {resp.status} from {resp.url} ({what})") from None
            raise Transient(
                f"HTTP {resp.status}: expected JSON from the API, got {what} ({len(body)} bytes)"
            ) from None
        if not isinstance(data, dict):
            raise Transient("expected a JSON object from the API")
        err = data.get("error")
        if isinstance(err, dict):
            code, info = str(err.get("code", "?")), str(err.get("info", ""))
            if code in _TRANSIENT_CODES:
                raise Transient(
                    f"API error {code}: {info}", _retry_after(resp.headers.get("Retry-After"))
                )
            raise ApiError(code, info)
        if resp.status >= 400:
            raise WikiError(f"HTTP {resp.status} from {resp.url}")
        return data

    def _continued(self, params: dict[str, Any], kind: str) -> Iterator[dict[str, Any]]:
        """Follow `continue` (and the pre-1.26 `query-continue`) until the listing ends."""
        cont: dict[str, Any] = {}
        while True:
            data = self.get({**params, **cont}, kind)
            yield data
            if isinstance(data.get("continue"), dict):
                cont = data["continue"]
            elif isinstance(data.get("query-continue"), dict):
                cont = {}
                for v in data["query-continue"].values():
                    cont.update(v)
            else:
                return

    def _count(self, kind: str) -> None:
        with self._count_lock:
            self.requests[kind] += 1


def _check_challenge(body: str) -> None:
    """Raise Challenge if an answer is a bot-challenge interstitial."""
    who = challenge_name(body)
    if who is not None:
        raise Challenge(
            f"the wiki answered with a bot-challenge page ({who}) instead of JSON;"
            " gdprkb does not solve challenges"
        )


def _in_order(pages: list[PageInfo]) -> list[PageInfo]:
    """A generator's pages come keyed by id; list them in allpages (title) order."""
    return sorted(pages, key=lambda p: p.title.replace(" ", "_").encode())


def _pages(data: dict[str, Any]) -> list[PageInfo]:
    """The existing pages of a prop=info answer, in formatversion 1 (dict) or 2 (list)."""
    pages = data.get("query", {}).get("pages") or []
    if isinstance(pages, dict):
        pages = list(pages.values())
    out = []
    for p in pages:
        if not isinstance(p, dict) or "missing" in p or "invalid" in p or not p.get("pageid"):
            continue
        rev = p.get("lastrevid") or (p.get("revisions") or [{}])[0].get("revid")
        if not isinstance(rev, int) or not isinstance(p.get("title"), str):
            continue
        page_id = _number(p["pageid"])
        if not (0 < page_id <= MAX_ID and 0 < rev <= MAX_ID):
            # out of range: listed as unknown (0) so the page is fetched, and its answer
            # (parse checks the ids) makes it one named failure instead of ending the listing
            page_id, rev = 0, 0
        url = p.get("fullurl")
        out.append(PageInfo(p["title"], page_id, rev, url if isinstance(url, str) else None))
    return out


def _number(value: Any) -> int:
    """An id from the JSON (an int, or digits in formatversion 1 oddities); 0 if not one."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value) if len(value) <= 20 else MAX_ID + 1  # no 4300-digit conversions
    return 0


def _category(c: Any) -> str:
    """A category name with spaces, from {"*": "A_b"} (v1), {"category": "A_b"} (v2) or a str."""
    name = c.get("category", c.get("*", "")) if isinstance(c, dict) else c
    return str(name).replace("_", " ")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
        return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


__all__ = [
    "ApiError",
    "Backoff",
    "Challenge",
    "Impolite",
    "MediaWikiClient",
    "PageInfo",
    "Rendered",
    "Stopped",
    "Transient",
    "WikiError",
]
