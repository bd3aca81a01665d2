"""The pages of the app, in menu order, with the use case each needs (the UI offers only what the
service layer would allow; the services still check every action themselves).

A page the visitor may not use is left out of the menu, but its address still opens: a short page that says
whom it is for (from the permission table) and who the app takes the visitor for, instead of the Overview
in silence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import streamlit as st

from partners.domain.model import Role
from partners.domain.permissions import SECRETARIAT_ROLES, UseCase, can, roles_allowed
from partners.presentation import urls
from partners.presentation.wording import join_words
from partners.ui import auth
from partners.ui.text import plain

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
    PageSpec("country.py", "Country scorecard", ":material/monitoring:", urls.SCORECARD_PATH),
    PageSpec("commitments.py", "Commitments", ":material/handshake:", "commitments"),
    PageSpec("commitment.py", "Commitment details", ":material/description:", urls.COMMITMENT_PATH),
    PageSpec("frameworks.py", "Frameworks", ":material/account_tree:", "frameworks"),
    PageSpec("since.py", "Since the last summit", ":material/update:", "since"),
    PageSpec("present.py", "Presentation mode", ":material/slideshow:", "present"),
    PageSpec("snapshots.py", "Snapshots", ":material/photo_camera:", "snapshots"),
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


def not_offered_message(spec: PageSpec, visitor: auth.Visitor) -> tuple[str, str]:
    """Why ``visitor`` is not offered ``spec``: whom the page is for (the roles the permission table grants
    its use case), and who the app takes the visitor for."""
    roles = roles_allowed(spec.needs)
    names = join_words([r.label for r in roles], last="or")
    if roles == [Role.ADMIN]:
        whom = "administrators"
    elif set(roles) <= set(SECRETARIAT_ROLES):
        whom = f"the secretariat ({names})"
    else:
        whom = names
    purpose = f"This page is for {whom}: those who may {spec.needs.value}."
    if visitor.mode is auth.Mode.SIGN_IN and not visitor.signed_in:
        these = "this role" if len(roles) == 1 else "one of these roles"
        return purpose, f"You are not signed in: sign in (in the sidebar) with an account that has {these}."
    role = visitor.actor.role.label.lower()
    article = "an" if role[0] in "aeiou" else "a"
    who = (f"You are signed in as {plain(visitor.actor.display)}, {article} {role}" if visitor.signed_in
           else f"You use the app as {article} {role}")
    return purpose, f"{who}, so it is not in your menu. Ask the secretariat if you need it."


def _not_offered(spec: PageSpec, visitor: auth.Visitor) -> None:
    purpose, who = not_offered_message(spec, visitor)
    st.title(spec.title)
    st.warning(purpose, icon=":material/lock:")
    st.write(who)
    st.page_link(PAGES[0].path, label="Go to the Overview", icon=PAGES[0].icon)


def menu(visitor: auth.Visitor) -> dict[str, list[st.Page]]:
    """The ``st.navigation`` sections for ``visitor``: every page they may use, in menu order, and, hidden
    from the menu under the same address, an explanation in place of each page they may not use."""
    sections: dict[str, list[st.Page]] = {}
    home = PAGES[0]
    # Streamlit serves the default page at the root only ("/overview" would say "Page not found"), so the
    # Overview is also registered, hidden, under its own name; the root entry needs another unique name.
    hidden: list[st.Page] = [
        st.Page(home.path, title=home.title, icon=home.icon, url_path=home.url_path, visibility="hidden")
    ]
    for spec in PAGES:
        if spec is home:
            sections.setdefault(spec.section, []).append(
                st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=f"{spec.url_path}-home", default=True)
            )
        elif can(visitor.actor, spec.needs):
            sections.setdefault(spec.section, []).append(
                st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path)
            )
        else:
            page: Callable[[], None] = partial(_not_offered, spec, visitor)
            hidden.append(st.Page(page, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                                  visibility="hidden"))
    # Hidden pages draw no menu entry; in the first section they add no empty section header either.
    sections[PAGES[0].section].extend(hidden)
    return sections
