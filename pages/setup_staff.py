"""人员与窗口 Staff and windows: the records selection rounds choose from — windows and
teams (窗口 / 班组) of each department, and staff (name, department, post, window or
not, an optional staff number; nothing more personal), by hand or from Excel."""

from __future__ import annotations

import streamlit as st

from lib.i18n import t
from lib.io import staff_import
from lib.read import recognition, setup_queries
from lib.ui import page, tables
from lib.write import recognition as rec

pg = page.open("recognition.manage", title="page.setup_staff")
actor = pg.actor

departments = setup_queries.departments_table()
dept_names = {
    int(i): f"{c} · {n}"
    for i, c, n in zip(departments["id"], departments["code"], departments["name"], strict=True)
}


def _tick(record: dict[str, object]) -> str:
    return "✓" if record["active"] else ""


# --- windows ---------------------------------------------------------------------------------

st.subheader(t("staff.windows"))
points = recognition.service_points()
if points:
    tables.show_rows(
        points,
        {
            t("staff.department"): "department",
            t("staff.window_name"): "name",
            t("staff.active"): _tick,
        },
    )
with st.form("staff_window_form", clear_on_submit=True):
    c1, c2 = st.columns(2)
    w_dept = c1.selectbox(t("staff.department"), list(dept_names), format_func=dept_names.get)
    w_name = c2.text_input(t("staff.window_name"), max_chars=200)
    if st.form_submit_button(t("staff.add_window")):
        page.submit(
            rec.save_service_point,
            actor,
            department_id=int(w_dept),
            name=w_name,
            flash=t("staff.saved"),
        )

# --- staff -----------------------------------------------------------------------------------

st.subheader(t("staff.people"))
people = recognition.staff_table()
if not people:
    st.caption(t("staff.none"))
else:
    tables.show_rows(
        people,
        {
            t("staff.name"): "name",
            t("staff.department"): "department",
            t("staff.post"): "post",
            t("staff.window"): "window",
            t("staff.staff_no"): "staff_no",
            t("staff.active"): _tick,
        },
    )
with st.form("staff_person_form", clear_on_submit=True):
    c1, c2, c3 = st.columns(3)
    p_name = c1.text_input(t("staff.name"), max_chars=100)
    p_dept = c2.selectbox(t("staff.department"), list(dept_names), format_func=dept_names.get)
    p_post = c3.text_input(t("staff.post"), max_chars=100)
    c4, c5 = st.columns(2)
    p_no = c4.text_input(t("staff.staff_no"), max_chars=40)
    p_window = c5.checkbox(t("staff.is_window"))
    if st.form_submit_button(t("staff.add_person"), type="primary"):
        page.submit(
            rec.save_staff,
            actor,
            department_id=int(p_dept),
            name=p_name,
            post=p_post,
            is_window=bool(p_window),
            staff_no=p_no,
            flash=t("staff.saved"),
        )

# --- Excel -----------------------------------------------------------------------------------

st.subheader(t("staff.import"))
st.caption(t("staff.import_hint"))
upload = st.file_uploader(t("staff.import"), type=["xlsx"], key="staff_upload")
if upload is not None and st.button(t("staff.import"), key="staff_import_go"):
    data = upload.getvalue()
    found: dict[str, list[staff_import.StaffProblem]] = {}

    def _run(s):  # type: ignore[no-untyped-def]
        count, problems = staff_import.import_staff(data, actor=actor, session=s)
        found["problems"] = problems
        return count

    count = page.run_write(_run)
    if found.get("problems"):
        for problem in found["problems"]:
            st.error(page.md(problem.key, pg.lang, **problem.params))
    elif count is not None:
        st.success(page.md("staff.imported", count=count))
