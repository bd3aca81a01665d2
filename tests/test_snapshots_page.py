"""Frozen snapshots on screen, in AppTest on a real demo database: the secretariat freezes the public view from
the Overview's Freeze control and lands on the snapshot (its link in the URL); the link opens the same figures
in a new session, also after an edit; a bad name is refused in words with nothing kept; the public has no
Freeze control and an unknown snapshot in a link says so; the Snapshots page lists them for anyone; presentation
mode presents a snapshot as frozen."""

from __future__ import annotations

from datetime import datetime, timedelta

from streamlit.testing.v1 import AppTest
from tests.test_dashboard_page import AUTH_SECRETS, EDITOR, HEADLINE, ROOT, figures_for, overview
from tests.test_dashboard_page import db as db  # noqa: PLC0414 - the demo database with an editor (a fixture)
from tests.test_present_page import present

from actors import EDITOR as EDITOR_ACTOR
from actors import PUBLIC
from partners.domain.model import PUBLIC_VIEWER, Commitment, CommitmentPartner, PartnerRole, ReviewState, Visibility
from partners.presentation.since_text import paragraph as words
from partners.services import records, snapshots
from partners.storage import open_store

NAME_BOX = "Snapshot name"
FREEZE = "Freeze the public view"


def param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label in HEADLINE}


def public_metrics(db: str, **flt) -> dict[str, str]:
    figures = figures_for(db, PUBLIC_VIEWER, **flt)
    return {label: f"{figures[key]:,}" for label, key in HEADLINE.items()}


def freeze(at: AppTest, name: str) -> AppTest:
    box = next(t for t in at.text_input if t.label == NAME_BOX)
    box.input(name)
    next(b for b in at.button if b.label == FREEZE).click()
    at = at.run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def add_public_commitment(db: str) -> None:
    store = open_store(db)
    try:
        partner = int(store.partners().id.iloc[0])
        records.log_commitment(store, EDITOR_ACTOR, Commitment(
            title="Pledged on stage", countries=["KEN"], review_state=ReviewState.PUBLISHED,
            visibility=Visibility.PUBLIC, partners=[CommitmentPartner(partner_id=partner, role=PartnerRole.LEAD)]))
    finally:
        store.close()


def test_the_secretariat_freezes_the_public_view_and_its_link_keeps_it(db: str) -> None:
    at = overview(EDITOR, {"type": "hotline"})
    at = freeze(at, "Summit 2026: opening")
    assert param(at, "snapshot") == "summit-2026-opening"
    assert param(at, "type") is None, "the snapshot's link names the snapshot alone"
    assert any("Frozen as" in s.value for s in at.success)
    frozen = public_metrics(db, stakeholder_types=("hotline",))
    assert metrics(at) == frozen
    assert "Snapshot “Summit 2026: opening”" in captions(at).replace("\\", "")
    assert "Filtered: Stakeholder type: Hotline" in captions(at).replace("\\", "")
    assert not [t for t in at.toggle if t.label == "Show as: public"], "a snapshot is the public's, no switch"

    add_public_commitment(db)
    again = overview(None, {"snapshot": "summit-2026-opening"})  # the link, opened by anyone
    assert metrics(again) == frozen
    live = overview(None, {"type": "hotline"})
    assert metrics(live) == public_metrics(db, stakeholder_types=("hotline",))


def test_a_snapshot_does_not_move_when_a_commitment_is_added(db: str) -> None:
    at = freeze(overview(EDITOR), "Before the pledges")
    frozen = metrics(at)
    add_public_commitment(db)
    assert metrics(overview(None)) != frozen, "the live figures moved on"
    assert metrics(overview(None, {"snapshot": "before-the-pledges"})) == frozen


def test_a_bad_name_is_refused_in_words_and_nothing_is_kept(db: str) -> None:
    at = freeze(overview(EDITOR), "   ")
    assert any("Give the snapshot a name" in e.value for e in at.error)
    assert param(at, "snapshot") is None
    store = open_store(db)
    try:
        assert store.snapshots() == []
    finally:
        store.close()
    at = freeze(overview(EDITOR), "Day one")
    at = freeze(overview(EDITOR), "DAY ONE!")
    assert any("exists already" in e.value for e in at.error)


def test_the_public_cannot_freeze_and_an_unknown_snapshot_says_so(db: str) -> None:
    at = overview(None)
    assert not [t for t in at.text_input if t.label == NAME_BOX]
    at = overview(None, {"snapshot": "no-such-snapshot"})
    assert any("There is no snapshot 'no-such-snapshot'" in w.value for w in at.warning)
    assert metrics(at) == public_metrics(db)
    assert param(at, "snapshot") is None
    at = overview(None, {"snapshot": "<script>"})
    assert any("not a snapshot's name" in w.value for w in at.warning)


def test_the_snapshots_page_lists_them_for_anyone_with_their_links(db: str) -> None:
    store = open_store(db)
    try:
        snapshots.freeze(store, EDITOR_ACTOR, "Day one")
        snapshots.freeze(store, EDITOR_ACTOR, "Day *two* [link](http://example.com)",
                         now=datetime.now() + timedelta(seconds=1))  # the newer one
    finally:
        store.close()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.secrets["auth"] = dict(AUTH_SECRETS)  # sign-in configured: nobody signed in is the public
    at.run()
    at.switch_page("src/partners/pages/snapshots.py")
    at = at.run()
    assert not at.exception, at.exception
    names = [s.value for s in at.subheader]
    assert len(names) == 2
    assert names[1] == "Day one"
    assert "\\[link\\]" in names[0], "a name is shown as typed, never as a link"
    links = [p for p in at.get("page_link")]
    assert len([p for p in links if p.proto.label == "Open"]) == 2
    assert not any("Frozen by" in c.value for c in at.caption), "the public is not told who froze it"


def test_presentation_mode_presents_a_snapshot_as_frozen(db: str) -> None:
    store = open_store(db)
    try:
        snap = snapshots.freeze(store, EDITOR_ACTOR, "On stage")
    finally:
        store.close()
    frozen = {label: f"{snap.figures.headline[key]:,}" for label, key in HEADLINE.items()
              if label in ("Commitments", "Partners", "Countries named", "Verified", "Self-reported",
                           "Not reporting")}
    add_public_commitment(db)
    at = present(EDITOR, snapshot="on-stage")
    assert {m.label: m.value for m in at.metric} == frozen
    stamp = next(m.value for m in at.markdown if "Data as of" in m.value)
    assert "Snapshot “On stage”" in stamp.replace("\\", "") and "Shown as: public" in stamp
    assert not [t for t in at.toggle if t.key == "present_public"]
    at.query_params["slide"] = "5"
    at = at.run()
    paragraph = next(t.value for t in at.text)
    store = open_store(db)
    try:
        kept = snapshots.opened(store, PUBLIC, "on-stage").since
    finally:
        store.close()
    assert paragraph == words(kept)


def test_a_snapshot_links_back_to_the_live_dashboard_with_its_filters_and_on_to_presentation_mode(db: str) -> None:
    at = freeze(overview(EDITOR, {"type": "hotline", "metric": "verified_share"}), "Hotlines")
    links = {p.proto.label: p.proto.query_string for p in at.get("page_link")}
    assert links["Live dashboard"] == "type=hotline&metric=verified_share"  # the filters it was frozen with
    assert links["Present"] == "snapshot=hotlines"
    at = present(EDITOR, snapshot="hotlines")
    exit_link = next(p.proto.query_string for p in at.get("page_link") if p.proto.label == "Exit presentation")
    assert "snapshot=hotlines" in exit_link
