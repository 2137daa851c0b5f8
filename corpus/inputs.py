"""The pages an ingest is given: find them under files, folders and .zip archives, read them.

Reading is bounded: every page is read in chunks and counted while it is unpacked (.html.gz,
.zip members, both), so a bomb or a giant file stops at `limits.MAX_PAGE_BYTES` and becomes one
named failure; memory stays at about that cap whatever the input. A folder walk reports every
entry it cannot take (symlink loops, FIFOs, folders named like pages...) instead of skipping
it without a word.
"""

from __future__ import annotations

import errno
import gzip
import os
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from gdprkb.corpus.limits import MAX_PAGE_BYTES, read_capped, too_large

PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
ARCHIVE_SUFFIXES = (".zip",)
CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class PageInput:
    """One page to ingest: a file, or a member of a .zip (kept small: one per page in a run)."""

    source: str
    member: str | None = None

    @property
    def name(self) -> str:
        """How reports name it: the file, or archive.zip:member."""
        return self.source if self.member is None else f"{self.source}:{self.member}"


@dataclass
class Found:
    """What a walk found: pages, inputs that cannot be used (failures), entries passed over."""

    pages: list[PageInput] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def is_page(name: str) -> bool:
    """Whether a file name is a page (.html, .htm, optionally gzipped)."""
    return name.lower().endswith(PAGE_SUFFIXES)


def is_archive(name: str) -> bool:
    """Whether a file name is a .zip archive of pages."""
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def _chunks(fp: IO[bytes] | gzip.GzipFile) -> Iterator[bytes]:
    while chunk := fp.read(CHUNK):
        yield chunk


def _read(fp: IO[bytes], gzipped: bool, what: str) -> bytes:
    """All of `fp` (gunzipped when asked), TooLarge past the cap, counted while unpacking."""
    if not gzipped:
        return read_capped(_chunks(fp), what)
    try:
        with gzip.GzipFile(fileobj=fp) as gz:
            return read_capped(_chunks(gz), f"{what} unpacked")
    except (OSError, EOFError, zlib.error) as e:
        raise ValueError(f"not a readable gzip file ({e})") from None


class Reader:
    """Reads PageInputs, keeping the last .zip open (one central-directory read per archive)."""

    def __init__(self) -> None:
        self._zip: tuple[str, zipfile.ZipFile] | None = None

    def read(self, item: PageInput) -> bytes:
        """The page's bytes, gunzipped when its name ends with .gz; TooLarge past the cap."""
        gzipped = (item.member or item.source).lower().endswith(".gz")
        if item.member is None:
            size = os.stat(item.source).st_size
            if size > MAX_PAGE_BYTES and not gzipped:
                raise too_large("the file")  # no need to read it to know
            with open(item.source, "rb") as fp:
                return _read(fp, gzipped, "the file")
        if self._zip is None or self._zip[0] != item.source:
            self.close()
            self._zip = (item.source, zipfile.ZipFile(item.source))
        zf = self._zip[1]
        # The declared size may lie (a crafted archive): the streamed count is what holds.
        if zf.getinfo(item.member).file_size > MAX_PAGE_BYTES and not gzipped:
            raise too_large("the archive member")
        with zf.open(item.member) as fp:
            return _read(fp, gzipped, "the archive member")

    def close(self) -> None:
        """Close the open archive, if any."""
        if self._zip is not None:
            self._zip[1].close()
            self._zip = None


def discover(paths: Iterable[str | os.PathLike[str]]) -> Found:
    """The pages under the given files and folders, the inputs that can't be used (missing
    path, symlink loop, corrupt .zip) and the entries a folder walk passed over, with reasons.

    Folders are walked recursively (symlinked folders are not followed) for .html, .htm,
    .html.gz and .zip files; a file named explicitly is taken whatever its suffix.
    """
    found = Found()
    for raw in paths:
        path = str(raw)
        try:
            mode = os.stat(path).st_mode
        except OSError as e:
            found.problems.append((path, _missing(path, e)))
            continue
        if stat.S_ISDIR(mode):
            _walk(path, found)
        elif stat.S_ISREG(mode):
            _add(path, found)
        else:
            found.problems.append((path, f"not a regular file or folder ({_kind(mode)})"))
    return found


def _missing(path: str, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symlink loop (the link points back at itself)"
    if os.path.islink(path):
        return f"broken symlink to {os.readlink(path)!r}"
    if error.errno == errno.ENOENT:
        return "no such file or folder"
    return f"cannot open: {error.strerror or error}"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _walk(folder: str, found: Found) -> None:
    """Every page and archive under `folder` in natural order; odd entries reported."""
    files: list[str] = []

    def error(e: OSError) -> None:
        found.skipped.append((e.filename or folder, f"cannot list: {e.strerror or e}"))

    for where, dirs, names in os.walk(folder, onerror=error):
        for d in dirs:
            full = os.path.join(where, d)
            if os.path.islink(full):
                found.skipped.append((full, "a symlink to a folder (not followed)"))
            elif is_page(d) or is_archive(d):
                # Walked all the same: it may hold pages; it is not one itself.
                found.skipped.append((full, "a folder, not a page (its contents are read)"))
        for name in names:
            full = os.path.join(where, name)
            try:
                mode = os.stat(full).st_mode
            except OSError as e:
                found.skipped.append((full, _missing(full, e)))
                continue
            if not (is_page(name) or is_archive(name)):
                continue  # other files (notes, images) are simply not pages
            if stat.S_ISREG(mode):
                files.append(full)
            else:
                found.skipped.append((full, f"not a regular file ({_kind(mode)})"))
    files.sort(key=lambda f: (len(f), f))  # natural order: 9.html before 10.html
    for f in files:
        _add(f, found)


def _add(path: str, found: Found) -> None:
    if not is_archive(path):
        found.pages.append(PageInput(path))
        return
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m.filename for m in zf.infolist() if not m.is_dir() and is_page(m.filename)]
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        found.problems.append((path, f"not a readable zip archive ({e})"))
        return
    if not members:
        found.problems.append((path, "zip archive holds no .html or .html.gz pages"))
    found.pages.extend(PageInput(path, m) for m in members)
