"""corpus.ecli: the European Case Law Identifier."""

from __future__ import annotations

import pytest

from gdprkb.corpus.ecli import parse_ecli


@pytest.mark.parametrize(
    ("raw", "ecli"),
    [
        ("ECLI:NL:RBDHA:2019:12031", "ECLI:NL:RBDHA:2019:12031"),
        ("ECLI: DE: VGPOTSD: 2023: 0722.1L134.20.00", "ECLI:DE:VGPOTSD:2023:0722.1L134.20.00"),
        ("ECLI:AT:BVWG:2025:W298 .2263736.1.00", "ECLI:AT:BVWG:2025:W298.2263736.1.00"),
        ("EU:C:2022:833", "ECLI:EU:C:2022:833"),
        ("[2021] EWHC 3164 (QB)", "[2021] EWHC 3164 (QB)"),
        ("https://www.dpa.gr/decision.pdf", None),
        ("{{{ECLI}}}", None),
        ("N/A", None),
        ("n/a", None),
        (  # page 2796: two ECLIs in one cell
            "ECLI:AT:BVWG:2020:W101.2132183.1.00; and ECLI:AT:BVWG:2020:W101.2132039.1.00",
            "ECLI:AT:BVWG:2020:W101.2132183.1.00; ECLI:AT:BVWG:2020:W101.2132039.1.00",
        ),
        ("ECLI:EU:C:2019:1, ECLI: EU: C: 2019: 2", "ECLI:EU:C:2019:1; ECLI:EU:C:2019:2"),
    ],
)
def test_parse_ecli(raw: str, ecli: str | None) -> None:
    assert parse_ecli(raw) == ecli
