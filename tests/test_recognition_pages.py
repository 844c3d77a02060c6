"""Recognition pages (issue 20) with AppTest on the demo: a liaison nominates, the office
shortlists, the leader records the decision, everyone (the viewer too) sees the 光荣榜."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.db import make_engine
from lib.models import Campaign, Nomination, SelectionRound, User
from tests.apphelpers import logged_in, raw_keys


def _ids(url: str) -> tuple[int, int]:
    """The seed-001 campaign and its open round."""
    with Session(make_engine(url)) as s:
        campaign = s.scalar(select(Campaign).where(Campaign.template_key == "seed001"))
        assert campaign is not None
        open_round = s.scalar(
            select(SelectionRound).where(
                SelectionRound.campaign_id == campaign.id, SelectionRound.state == "nominating"
            )
        )
        assert open_round is not None
        return campaign.id, open_round.id


def _page(username: str, path: str, campaign_id: int, lang: str = "zh"):  # type: ignore[no-untyped-def]
    at = logged_in(username)
    at.session_state["campaign_id"] = campaign_id
    at.session_state["lang"] = lang
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _submit(at, label: str):  # type: ignore[no-untyped-def]
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    return at


def test_liaison_nominates_own_department(app_db: str) -> None:
    campaign_id, round_id = _ids(app_db)
    at = _page("liaison_card", "pages/selection.py", campaign_id)
    assert at.title[0].value == "评选"
    assert not raw_keys(at)
    # only the liaison's own department is offered
    assert at.selectbox(key="recog_nominate_department").options == ["心血管内科"]
    at.text_area(key="recog_reasons").input("病区推行床旁结算，患者满意度持续在95%以上。")
    _submit(at, "提交推荐")
    assert not at.error, [e.value for e in at.error]
    assert any("推荐已提交" in s.value for s in at.success)
    with Session(make_engine(app_db)) as s:
        user = s.scalar(select(User).where(User.username == "liaison_card"))
        n = s.scalar(
            select(Nomination).where(
                Nomination.round_id == round_id, Nomination.department_id == user.department_id
            )
        )
        assert n is not None and n.reasons.startswith("病区推行床旁结算")


def test_office_shortlists_and_leader_decides(app_db: str) -> None:
    campaign_id, round_id = _ids(app_db)
    office = _page("office", "pages/selection.py", campaign_id)
    office.selectbox(key="recog_round").set_value(round_id).run()
    # the check table shows the rules with their figures
    assert any("月度满意度" in str(df.value) for df in office.dataframe)
    # confirm the office's checkboxes for every nomination, then close nominations
    with Session(make_engine(app_db)) as s:
        nids = list(s.scalars(select(Nomination.id).where(Nomination.round_id == round_id)))
    for nid in nids:
        office.selectbox(key="recog_check").set_value(nid).run()
        for box in office.checkbox:
            box.check()
        _submit(office, "保存确认")
        assert not office.error, [e.value for e in office.error]
    _submit(office, "截止推荐，开始资格审核")
    assert not office.error, [e.value for e in office.error]
    shortlist = office.multiselect(key="recog_shortlist_pick")
    assert shortlist.value, "candidates meeting every criterion are proposed"
    chosen = list(shortlist.value)
    _submit(office, "提交领导小组")
    assert not office.error, [e.value for e in office.error]
    with Session(make_engine(app_db)) as s:
        r = s.get(SelectionRound, round_id)
        assert r is not None and r.state == "deciding"

    leader = _page("leader", "pages/selection.py", campaign_id)
    leader.selectbox(key="recog_round").set_value(round_id).run()
    nid = chosen[0]
    leader.number_input(key=f"recog_votes_{nid}").set_value(9)
    [button] = [
        b for b in leader.button if b.label == "记录决定" and str(nid) in str(b.key or b.id)
    ] or [b for b in leader.button if b.label == "记录决定"][:1]
    button.click().run()
    assert not leader.exception and not leader.error, [e.value for e in leader.error]
    with Session(make_engine(app_db)) as s:
        n = s.get(Nomination, nid)
        assert n is not None and n.outcome == "won" and n.votes == 9


def test_honour_roll_for_everyone_in_both_languages(app_db: str) -> None:
    campaign_id, _ = _ids(app_db)
    for user in ("viewer", "liaison_card", "leader"):
        at = _page(user, "pages/honours.py", campaign_id)
        assert at.title[0].value == "光荣榜"
        text = "\n".join(m.value for m in at.markdown)
        assert "门诊收费窗口" in text and "王丽" in text
        assert "放射登记窗口" not in text  # not chosen
        assert not raw_keys(at)
    en = _page("viewer", "pages/honours.py", campaign_id, lang="en")
    assert en.title[0].value == "Honour roll"
    assert "Outpatient cashier window" in "\n".join(m.value for m in en.markdown)
    assert not raw_keys(en)


def test_setup_staff_adds_a_person(app_db: str) -> None:
    at = _page("office", "pages/setup_staff.py", _ids(app_db)[0])
    assert at.title[0].value == "人员与窗口"
    [name] = [x for x in at.text_input if x.label == "姓名"]
    name.input("测试人员")
    _submit(at, "添加人员")
    assert not at.error, [e.value for e in at.error]
    assert any("测试人员" in str(df.value) for df in at.dataframe)


# --- the 公示 notice and the certificates, rendered by LibreOffice ---------------------------


def _demo_round(url: str, kind: str) -> tuple[dict, list[dict]]:  # type: ignore[type-arg]
    """The finished quarter's round of ``kind`` in the demo, as the pages read it."""
    from lib.read import recognition

    campaign_id, _ = _ids(url)
    info = next(
        r for r in recognition.rounds(campaign_id) if r["state"] == "final" and r["kind"] == kind
    )
    return info, recognition.nominations(info["id"])


def test_notice_and_certificates_render_through_libreoffice(app_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import subprocess

    import docx

    from lib.io.honours_docs import certificates_docx, notice_docx
    from tests.conftest import ARTIFACTS, need

    info, rows = _demo_round(app_db, "unit")
    notice = notice_docx(
        info, rows, campaign="2026年“服务提升年”活动", issuer="服务提升年活动办公室"
    )
    certs = certificates_docx(
        info, rows, campaign="2026年“服务提升年”活动", issuer="滕州市第一人民医院"
    )
    (tmp_path / "notice.docx").write_bytes(notice)
    (tmp_path / "certificates.docx").write_bytes(certs)
    doc = docx.Document(str(tmp_path / "notice.docx"))
    section = doc.sections[0]
    measured = [
        round(x.mm)
        for x in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert measured == [210, 297, 37, 35, 28, 26]  # A4, GB/T 9704 margins
    text = "\n".join(p.text for p in doc.paragraphs)
    assert text.splitlines()[0] == "关于2026年第三季度优质服务窗口（科室、班组）评选结果的公示"
    assert "门诊收费窗口（财务科）" in text and "放射登记窗口" not in text  # winners only
    assert "公示时间：" in text
    cert = docx.Document(str(tmp_path / "certificates.docx"))
    assert sum("荣誉证书" in p.text for p in cert.paragraphs) == 3  # one page per winner

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None or shutil.which("pdftoppm") is None:
        need("LibreOffice and poppler are needed to render the notice")
    assert office is not None
    profile = tmp_path / "profile"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "notice.docx"),
            str(tmp_path / "certificates.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in ("notice", "certificates"):
        pdf = tmp_path / f"{name}.pdf"
        assert pdf.stat().st_size > 0
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / name)],
            check=True,
            timeout=120,
        )
        info_out = subprocess.run(
            ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        pages = int(next(x for x in info_out.splitlines() if x.startswith("Pages:")).split()[1])
        assert pages == (1 if name == "notice" else 3), (name, pages)


def test_honours_slide_for_the_meeting(app_db: str) -> None:
    from lib.io.honours_docs import honours_slide

    campaign_id, _ = _ids(app_db)
    slide = honours_slide(campaign_id, "zh")
    assert slide is not None and slide["title"] == "光荣榜"
    assert "2026年第三季度" in slide["subtitle"]
    names = [name for name, _reasons in slide["lines"]]
    assert "门诊收费窗口（财务科）" in names and "王丽（财务科）" in names
    en = honours_slide(campaign_id, "en")
    assert en is not None and en["title"] == "Honour roll"
    assert "Outpatient cashier window (Finance)" in [n for n, _ in en["lines"]]
