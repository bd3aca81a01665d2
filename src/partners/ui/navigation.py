"""The pages of the app, in menu order, with the use case each needs (the UI offers only what the
service layer would allow; the services still check every action themselves)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from partners.domain.permissions import UseCase
from partners.presentation import urls

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


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
    PageSpec("commitment.py", "Commitment details", ":material/description:", urls.COMMITMENT_PATH),
    PageSpec("frameworks.py", "Frameworks", ":material/account_tree:", "frameworks"),
    PageSpec(
        "log_commitment.py", "Log a commitment", ":material/add_circle:", "log-commitment",
        needs=UseCase.LOG_COMMITMENT, section="Secretariat",
    ),
    PageSpec(
        "partners_admin.py", "Partners and events", ":material/groups:", "partners-admin",
        needs=UseCase.MANAGE_PARTNERS, section="Secretariat",
    ),
    PageSpec(
        "assessments_admin.py", "Capability assessments", ":material/fact_check:", "assessments-admin",
        needs=UseCase.RECORD_ASSESSMENT, section="Secretariat",
    ),
    PageSpec(
        "worklist.py", "Worklist", ":material/checklist:", "worklist",
        needs=UseCase.VIEW_WORKLIST, section="Secretariat",
    ),
    PageSpec(
        "backup.py", "Backup and restore", ":material/backup:", "backup",
        needs=UseCase.BACKUP_DATABASE, section="Secretariat",
    ),
    PageSpec(
        "import_data.py", "Import a spreadsheet", ":material/upload_file:", "import",
        needs=UseCase.LOG_COMMITMENT, section="Secretariat",
    ),
    PageSpec("about.py", "About", ":material/info:", "about", section="Help"),
    PageSpec(
        "admin_users.py", "Users and roles", ":material/manage_accounts:", "users",
        needs=UseCase.MANAGE_USERS, section="Admin",
    ),
]
