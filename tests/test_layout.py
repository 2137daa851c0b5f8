"""The layout is the architecture: data flows scraper → corpus → index → app, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each stage may import from gdprkb (besides itself and the core modules).
CORE = {"home", "languages"}
ALLOWED = {
    "scraper": {"corpus"},
    "corpus": set(),
    "index": {"corpus"},
    "translation": {"corpus", "index"},
    "webapp": {"corpus", "index", "translation"},
}


def _gdprkb_imports(path: Path) -> set[str]:
    """The gdprkb sub-packages a module imports (`gdprkb.corpus.x` → "corpus")."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "gdprkb" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_no_stage_imports_from_a_stage_to_its_right(stage: str) -> None:
    files = sorted((ROOT / stage).rglob("*.py"))
    assert files
    for path in files:
        wrong = _gdprkb_imports(path) - ALLOWED[stage] - CORE - {stage}
        assert not wrong, f"{path.relative_to(ROOT)} imports gdprkb.{sorted(wrong)}"


def test_the_stages_are_installed_inside_the_package() -> None:
    for stage in ALLOWED:
        link = ROOT / "gdprkb" / stage
        assert link.is_symlink() and link.resolve() == (ROOT / stage).resolve()
    assert (ROOT / "gdprkb" / "app.py").resolve() == (ROOT / "app.py").resolve()
