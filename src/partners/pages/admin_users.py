"""Users and roles: who may sign in as what, by e-mail address (admins only; the service checks, audits)."""

import pandas as pd
import streamlit as st

from partners.domain.model import Role
from partners.domain.permissions import PermissionDenied
from partners.services import cache, lookups, users
from partners.services.errors import ConcurrentEditError, NotFound, ValidationFailed
from partners.ui import auth
from partners.ui.session import current_actor, get_store, show_table
from partners.ui.text import plain

ROLE_HELP = {
    Role.ADMIN: "Everything, including these roles, reference data and demo data.",
    Role.SECRETARIAT_EDITOR: "Logs and edits commitments, partners, events, progress, assessments; sees all.",
    Role.REVIEWER: "Sees everything and verifies progress; changes no records.",
    Role.COUNTRY_FOCAL_POINT: "Sees and signs off their countries' private records and assessments.",
    Role.PARTNER_CONTRIBUTOR: "Reports progress on the commitments of their own organisation(s).",
    Role.MEMBER_VIEWER: "Sees what is shared with Alliance members.",
}

store, actor = get_store(), current_actor()
st.title("Users and roles")
st.caption(
    "People sign in with their organisation's account; what they may see and do comes from the role given "
    "here for their e-mail address. Anyone without a role (or deactivated) sees what the public sees."
)

try:
    accounts = cache.cached(users.list_users, store, actor)
except PermissionDenied as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()

# Which way partners_trust_unverified_email is set: whether a role needs the provider's email_verified claim.
st.info(auth.sign_in_summary(), icon=":material/verified_user:")

if flash := st.session_state.pop("users_flash", None):
    st.success(flash, icon=":material/check_circle:")

country_names = cache.cached(lookups.country_names, store, actor)
partner_names = cache.cached(lookups.partner_names, store, actor)


def scope_of(account: users.UserAccount) -> str:
    return "; ".join(
        [country_names.get(c, c) for c in account.countries]
        + [partner_names.get(p, f"partner {p}") for p in account.partners]
    )


def show_problems(exc: Exception) -> None:
    if isinstance(exc, ValidationFailed):
        st.error("\n".join(f"- {plain(p)}" for p in exc.problems), icon=":material/error:")
    else:
        st.error(plain(str(exc)[:1].upper() + str(exc)[1:]), icon=":material/error:")


def scope_fields(role: Role, key: str, countries_now=(), partners_now=()) -> tuple[list[str], list[int]]:
    """Countries for a focal point, partners for a contributor; nothing for the other roles."""
    chosen_countries: list[str] = []
    chosen_partners: list[int] = []
    if role is Role.COUNTRY_FOCAL_POINT:
        chosen_countries = st.multiselect(
            "Countries", list(country_names), default=list(countries_now), format_func=country_names.get,
            key=f"{key}_countries", help="The countries this focal point speaks for.",
        )
    if role is Role.PARTNER_CONTRIBUTOR:
        chosen_partners = st.multiselect(
            "Partners", list(partner_names), default=list(partners_now), format_func=partner_names.get,
            key=f"{key}_partners", help="The organisations this person reports progress for.",
        )
    return chosen_countries, chosen_partners


active_count = sum(a.active for a in accounts)
st.subheader(f"{active_count} active user{'' if active_count == 1 else 's'}")
if accounts:
    show_table(
        pd.DataFrame(
            {
                "E-mail": [a.email for a in accounts],
                "Name": [a.name for a in accounts],
                "Role": [a.role.label for a in accounts],
                "Countries or partners": [scope_of(a) for a in accounts],
                "Active": [a.active for a in accounts],
                "Changed": [a.updated_at for a in accounts],
            }
        ),
        hide_index=True,
        width="stretch",
        key="users_table",
    )
else:
    st.info("Nobody has a role yet.")

add_tab, change_tab = st.tabs(["Add a user", "Change a user"])

with add_tab:
    role = st.selectbox("Role", users.ASSIGNABLE_ROLES, format_func=lambda r: r.label, key="add_role")
    st.caption(ROLE_HELP.get(role, ""))
    with st.form("add_user"):
        email = st.text_input("E-mail address", placeholder="amina@interior.go.ke",
                              help="The address their sign-in provider reports; capitals do not matter.")
        name = st.text_input("Name (optional)")
        new_countries, new_partners = scope_fields(role, "add")
        add = st.form_submit_button("Add user", icon=":material/person_add:")
    if add:
        try:
            created = users.add_user(
                store, actor, email, role, name=name, countries=new_countries, partners=new_partners
            )
        except (ValidationFailed, PermissionDenied) as exc:
            show_problems(exc)
        else:
            st.session_state["users_flash"] = f"{created.email} is now {created.role.label}."
            st.rerun()

with change_tab:
    if not accounts:
        st.info("Add a user first.")
    else:
        by_email = {a.email: a for a in accounts}
        chosen = st.selectbox("User", list(by_email), key="edit_user",
                              format_func=lambda e: f"{e} ({by_email[e].role.label})")
        account = by_email[chosen]
        # The version this admin started from: a change saved by someone else meanwhile is not overwritten.
        version_key = f"edit_version_{chosen}"
        st.session_state.setdefault(version_key, account.version)
        key = f"edit_{chosen}_{st.session_state[version_key]}"
        new_role = st.selectbox("Role", users.ASSIGNABLE_ROLES, format_func=lambda r: r.label,
                                index=users.ASSIGNABLE_ROLES.index(account.role), key=f"{key}_role")
        st.caption(ROLE_HELP.get(new_role, ""))
        with st.form(f"{key}_form"):
            new_name = st.text_input("Name", value=account.name, key=f"{key}_name")
            edit_countries, edit_partners = scope_fields(new_role, key, account.countries, account.partners)
            active = st.checkbox("Active", value=account.active, key=f"{key}_active",
                                 help="Deactivated, they see what the public sees from their next page view.")
            save = st.form_submit_button("Save changes", icon=":material/save:")
        if save:
            try:
                saved = users.update_user(
                    store, actor, chosen, role=new_role, name=new_name, countries=edit_countries,
                    partners=edit_partners, active=active, expected_version=st.session_state[version_key],
                )
            except ConcurrentEditError as exc:
                del st.session_state[version_key]
                show_problems(exc)
            except (ValidationFailed, PermissionDenied, NotFound) as exc:
                show_problems(exc)
            else:
                st.session_state[version_key] = saved.version
                state = "" if saved.active else ", deactivated"
                st.session_state["users_flash"] = f"Saved: {saved.email} is {saved.role.label}{state}."
                st.rerun()
