"""Source: GDPRhub.

id:       gdprhub
url:      https://gdprhub.eu (MediaWiki 1.39, skin Chameleon; Action API at /api.php)
run by:   noyb; content CC BY-NC-SA 4.0
history:  2026-11  first version: allpages generator + action=parse, revision-incremental
notes:    Decisions (DPA and court), GDPR article commentary and help/portal pages share
          namespace 0; the parser tells them apart and the store remembers non-decisions so
          they are not fetched again until edited. Record URLs always point at gdprhub.eu,
          also when harvesting a mirror (`--wiki`), as the saved pages' own links do.
"""

from __future__ import annotations

from gdprkb.scraper.harvest import MediaWikiSource


class GDPRhub(MediaWikiSource):
    """gdprhub.eu: noyb's wiki of data-protection decisions."""

    wiki = "https://gdprhub.eu"
    canonical = "https://gdprhub.eu"
