"""The pages of the app, in menu order, with the use case each needs (the UI offers only what the
service layer would allow; the services still check every action themselves)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from partners.authz import UseCase

PAGES_DIR = Path(__file__).parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    file: str  # in src/partners/pages/
    title: str
    icon: str
    url_path: str
    needs: UseCase = UseCase.VIEW_PUBLIC
    section: str = "Explore"

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


PAGES: list[PageSpec] = [
    PageSpec("overview.py", "Overview", ":material/dashboard:", "overview"),
    PageSpec("countries.py", "Countries", ":material/public:", "countries"),
    PageSpec("commitments.py", "Commitments", ":material/handshake:", "commitments"),
    PageSpec("frameworks.py", "Frameworks", ":material/account_tree:", "frameworks"),
    PageSpec("about.py", "About", ":material/info:", "about", section="Help"),
]
