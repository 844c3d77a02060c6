"""整表导入导出 Whole workbook: download everything (as ``lib.cli export-excel``), upload a
workbook: a trial import first (what would be added and changed, every problem by sheet,
row and column, as the CLI reports them), then the import itself — all or nothing."""

from __future__ import annotations

import streamlit as st

from lib.i18n import t
from lib.io.excel_import import import_workbook
from lib.io.excel_import.preview import preview_workbook
from lib.read import setup_queries
from lib.read import wizard as wizard_read
from lib.ui import page, widgets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pg = page.open("data.import", title="page.setup_workbook")
user, lang = pg.user, pg.lang
st.caption(t("wizard.workbook_help"))

# --- export -------------------------------------------------------------------------------
st.subheader(t("wizard.workbook_export"))
campaigns = setup_queries.campaigns_table()
labels = {0: t("wizard.workbook_all_campaigns")} | dict(
    zip(campaigns["id"].tolist(), campaigns["name"].tolist(), strict=True)
)
scope = st.selectbox(
    t("sidebar.campaign"), list(labels), format_func=lambda i: labels[i], key="wb_scope"
)
left, right = st.columns(2)
if left.button(t("wizard.workbook_prepare"), key="wb_prepare"):
    left.download_button(
        t("wizard.workbook_download"),
        data=wizard_read.export_bytes(int(scope) or None, lang),
        file_name="workbook.xlsx",
        mime=XLSX,
        on_click="ignore",
        key="wb_download",
    )
right.download_button(
    t("setup.download_template"),
    data=wizard_read.template_bytes(lang),
    file_name="template.xlsx",
    mime=XLSX,
    on_click="ignore",
    key="wb_template",
)

# --- import: a trial first, the import only when it is clean --------------------------------
st.subheader(t("wizard.workbook_import"))
upload = st.file_uploader(t("setup.excel_upload"), type=["xlsx"], key="wb_upload")
if upload is None:
    st.info(t("wizard.workbook_upload_hint"))
    st.stop()
data = upload.getvalue()


def _progress(bar):  # type: ignore[no-untyped-def]
    return lambda fraction, what: bar.progress(min(max(fraction, 0.0), 1.0), text=what)


bar = st.progress(0.0, text=t("wizard.workbook_checking"))
preview = page.run_write(
    lambda s: preview_workbook(
        data, actor=user.actor, session=s, progress=_progress(bar), lang=lang
    )
)
bar.empty()
if preview is None:
    st.stop()  # refused: the message is shown
result = preview.result
for note in result.notes:
    st.caption(page.md("import.note", message=note.message(lang)))
if result.problems:
    st.error(page.md("import.refused", count=len(result.problems)))
    page.table(
        wizard_read.problem_frame(result.problems, lang),
        hide_index=True,
        width="stretch",
        key="wb_problems",
    )
    st.stop()

widgets.import_counts("wizard.workbook_dry_run", result)
page.table(wizard_read.count_frame(preview, lang), hide_index=True, key="wb_counts")
if preview.changes:
    with st.expander(page.md("wizard.workbook_changes", count=len(preview.changes)), expanded=True):
        page.table(
            wizard_read.change_frame(preview, lang),
            hide_index=True,
            width="stretch",
            key="wb_changes",
        )
if not (result.created or result.updated):
    st.info(t("wizard.workbook_nothing"))
    st.stop()
if st.button(t("wizard.workbook_confirm"), type="primary", key="wb_confirm"):
    bar = st.progress(0.0, text=t("wizard.workbook_importing"))

    def _import(session):  # type: ignore[no-untyped-def]
        """As ``lib.cli import-excel``: all or nothing."""
        done = import_workbook(
            data, actor=user.actor, session=session, progress=_progress(bar), lang=lang
        )
        if done.problems:
            session.rollback()
        return done

    final = page.run_write(_import)
    bar.empty()
    if final is not None and final.problems:
        st.error(page.md("import.refused", count=len(final.problems)))
        page.table(
            wizard_read.problem_frame(final.problems, lang), hide_index=True, width="stretch"
        )
    elif final is not None:
        widgets.import_counts("import.done", final)
