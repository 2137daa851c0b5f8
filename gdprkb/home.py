"""Where the tool writes: one folder (`--home`, `GDPRKB_HOME`, default ./gdprkb-data)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = "./gdprkb-data"


@dataclass(frozen=True)
class Home:
    """The paths inside one gdprkb home folder."""

    root: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Home:
        """The home from an explicit path, else $GDPRKB_HOME, else ./gdprkb-data."""
        raw = home or os.environ.get("GDPRKB_HOME") or DEFAULT_HOME
        return cls(Path(raw).expanduser().resolve())

    def ensure(self) -> Home:
        """Create the folder if it is missing; return self."""
        self.root.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def db(self) -> Path:
        """The corpus SQLite database (records, raw pages, translations cache)."""
        return self.root / "corpus.sqlite"

    @property
    def index_dir(self) -> Path:
        """The Whoosh index folder."""
        return self.root / "index"

    @property
    def feeds_dir(self) -> Path:
        """Atom feeds of the saved searches (`gdprkb alerts check`): <NAME>.atom."""
        return self.root / "feeds"

    @property
    def runs_dir(self) -> Path:
        """JSON run logs of scrapes."""
        return self.root / "runs"

    @property
    def models_dir(self) -> Path:
        """Argos Translate packages installed with `gdprkb translate install`."""
        return self.root / "argos"
