"""Politeness: who we say we are, what robots.txt allows, how fast we go, and where we may go.

Every request the scraper makes passes through one `Politeness`: a global rate limit shared by
all worker threads (a 429's Retry-After holds back every thread, not just the one that got it),
robots.txt as the wiki publishes it, and a guard that refuses any host but the wiki's own.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

try:
    _VERSION = version("gdprkb")
except PackageNotFoundError:  # running from a plain checkout
    _VERSION = "0"

# The product token robots.txt rules are matched against.
ROBOTS_AGENT = "gdprkb"
# Wikis ask bots for a User-Agent naming the tool and a contact; operators running gdprkb should
# put their own e-mail in with --user-agent / GDPRKB_USER_AGENT.
DEFAULT_USER_AGENT = (
    f"gdprkb/{_VERSION} (GDPRhub knowledge-base harvester; +https://github.com/gdprkb/gdprkb)"
)


class Impolite(Exception):
    """A request politeness forbids (robots.txt, another host); the message says which."""


class Stopped(Exception):
    """The run is stopping (Ctrl-C); no more requests."""


class RateLimiter:
    """At most `rate` request starts per second across all threads (0 = unlimited)."""

    def __init__(self, rate: float, stop: threading.Event | None = None) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.stop = stop or threading.Event()
        self._next = 0.0  # earliest start of the next request
        self._held = 0.0  # no start before this (Retry-After); set without waiting for the lock
        self._lock = threading.Lock()

    def slow_to(self, min_interval: float) -> None:
        """Never go faster than one request per `min_interval` seconds (robots Crawl-delay)."""
        self.interval = max(self.interval, min_interval)

    def hold(self, seconds: float) -> None:
        """Start no request for `seconds` from now (a server's Retry-After, for every thread)."""
        self._held = max(self._held, time.monotonic() + seconds)

    def wait(self) -> None:
        """Block until this thread may start a request; Stopped if the run is stopping."""
        # Waiters queue on the lock and the next slot counts from when this one really
        # started, so a thread woken late cannot make the following starts bunch up.
        with self._lock:
            while (delay := max(self._next, self._held) - time.monotonic()) > 0:
                if self.stop.wait(delay):
                    break
            if self.stop.is_set():
                raise Stopped("stopping: no new requests")
            self._next = time.monotonic() + self.interval


@dataclass
class Politeness:
    """The rules one harvest follows towards one wiki."""

    wiki: str
    user_agent: str = DEFAULT_USER_AGENT
    rate: float = 1.0
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        parts = urlsplit(self.wiki)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--wiki {self.wiki!r}: not an http(s) URL")
        self.host = (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        self.limiter = RateLimiter(self.rate, self.stop)
        self.robots: urllib.robotparser.RobotFileParser | None = None

    @property
    def robots_url(self) -> str:
        """robots.txt lives at the root of the wiki's host."""
        parts = urlsplit(self.wiki)
        return f"{parts.scheme}://{parts.netloc}/robots.txt"

    def load_robots(self, status: int, text: str) -> None:
        """Adopt the wiki's robots.txt answer (RFC 9309: 4xx = no rules, else parse the text)."""
        rp = urllib.robotparser.RobotFileParser(self.robots_url)
        # no robots.txt (4xx) means no rules: parse an empty file
        rp.parse([] if 400 <= status < 500 else text.splitlines())
        self.robots = rp
        delay = rp.crawl_delay(ROBOTS_AGENT)
        if delay:
            self.limiter.slow_to(float(delay))

    def check(self, url: str) -> None:
        """Raise Impolite unless `url` is on the wiki's host and robots.txt allows it."""
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if (parts.hostname, port) != self.host:
            raise Impolite(
                f"refusing {parts.scheme}://{parts.netloc}: gdprkb only contacts the configured "
                f"wiki host {self.host[0]}:{self.host[1]}"
            )
        if self.robots is not None and not self.robots.can_fetch(ROBOTS_AGENT, url):
            raise Impolite(f"robots.txt of {self.robots_url} disallows {parts.path} for gdprkb")
