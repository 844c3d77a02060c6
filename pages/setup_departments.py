"""科室管理 Departments: the tree with codes and active flag; add or edit one; Excel import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.io.excel_import import import_workbook, template_workbook
from lib.models import DEPARTMENT_KINDS
from lib.read import setup_queries
from lib.ui import page, tables, widgets
from lib.write import upsert_department

pg = page.open("campaign.setup", title="page.setup_departments")
user, lang = pg.user, pg.lang

table = setup_queries.departments_table()
if table.empty:
    st.info(t("setup.no_departments"))
else:
    view = pd.DataFrame(
        {
            t("setup.col_name"): [
                "\u3000" * int(d) + ("└ " if d else "") + n
                for d, n in zip(table["depth"], table["name"], strict=True)
            ],
            t("setup.col_department_code"): table["code"],
            t("setup.col_kind"): table["kind"].map(lambda k: t(f"setup.kind_{k}")),
            t("setup.col_active"): table["active"].map(
                lambda a: t("setup.yes") if a else t("setup.no")
            ),
        }
    )
    tables.show(view, height=min(600, 38 + 35 * len(view)))

st.subheader(t("setup.department_edit"))
codes = table["code"].tolist() if not table.empty else []
names = dict(zip(codes, table["name"], strict=True)) if codes else {}
pick = st.selectbox(
    t("setup.department_pick"),
    ["", *codes],
    format_func=lambda c: f"{names[c]}（{c}）" if c else t("setup.department_new"),
    key="dept_pick",
)
row = table[table["code"] == pick].iloc[0].to_dict() if pick else {}
with st.form("department_form"):
    c1, c2 = st.columns(2)
    code = c1.text_input(
        t("setup.col_department_code"), value=row.get("code", ""), disabled=bool(pick)
    )
    name = c2.text_input(t("setup.col_name"), value=row.get("name", ""))
    name_en = c1.text_input(t("setup.name_en"), value=row.get("name_en") or "")
    kind = c2.selectbox(
        t("setup.col_kind"),
        DEPARTMENT_KINDS,
        index=DEPARTMENT_KINDS.index(row.get("kind", "department")),
        format_func=lambda k: t(f"setup.kind_{k}"),
    )
    parent_options = [""] + [c for c in codes if c != pick]
    parent = c1.selectbox(
        t("setup.parent"),
        parent_options,
        index=parent_options.index(row.get("parent_code"))
        if row.get("parent_code") in parent_options
        else 0,
        format_func=lambda c: f"{names[c]}（{c}）" if c else t("setup.none"),
    )
    order = c2.number_input(t("setup.sort_order"), 0, 100000, int(row.get("sort_order") or 0))
    active = st.checkbox(t("setup.col_active"), value=bool(row.get("active", True)))
    save = st.form_submit_button(t("setup.save"), type="primary")
if save:
    page.submit(
        upsert_department,
        user.actor,
        code=pick or code,
        name=name,
        name_en=name_en,
        kind=kind,
        parent_code=parent or None,
        sort_order=int(order),
        active=active,
        success=t("setup.saved"),
    )

st.subheader(t("setup.department_import"))
widgets.download(
    t("setup.download_template"),
    template_workbook(
        ["departments"],
        lang=lang,
        departments=list(zip(codes, [names[c] for c in codes], strict=True)),
    ),
    "departments_template.xlsx",
)
upload = st.file_uploader(t("setup.excel_upload"), type=["xlsx"], key="dept_upload")


def _import(session):
    """All or nothing: a workbook with a problem changes nothing."""
    bar = st.progress(0.0)
    result = import_workbook(
        upload.getvalue(),
        actor=user.actor,
        session=session,
        progress=lambda fraction, what: bar.progress(min(max(fraction, 0.0), 1.0), text=what),
    )
    bar.empty()
    if result.problems:
        session.rollback()
    return result


if upload is not None and st.button(t("setup.import"), key="dept_import"):
    result = page.run_write(_import)
    if result is not None and result.notes:
        st.caption("\n\n".join(page.md_escape(n.message()) for n in result.notes))
    if result is None:
        pass  # refused: the message is shown
    elif result.problems:
        st.error(t("import.refused", count=len(result.problems)))
        tables.show(
            pd.DataFrame(
                [
                    {
                        t("import.col_sheet"): p.sheet,
                        t("import.col_row"): p.row,
                        t("import.col_column"): p.column,
                        t("setup.problem"): p.reason(),
                    }
                    for p in result.problems
                ]
            ),
            column_config={t("setup.problem"): st.column_config.TextColumn(width="large")},
        )
    else:
        widgets.import_counts("import.done", result)
