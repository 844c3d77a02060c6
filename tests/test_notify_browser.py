"""A real browser on the channel setup page (通知渠道): the office adds a WeCom robot
(a real local receiver), sends the test message, the scheduler (`remind`) runs, and the
delivery log shows what went out. The message as the receiver got it is drawn WeCom-style
and screenshotted (tests/artifacts/notify_wecom_message.png)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import ARTIFACTS, ROOT, chromium_path
from tests.notify_servers import Receiver, start_receiver
from tests.test_browser import (  # noqa: F401
    WAIT_MS,
    _free_port,
    _login,
    _open_page,
    _settle,
    browser,
    pick,
    running_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
KEY = "browser-webhook-key-42"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    state, server = start_receiver()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def app(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A `streamlit run` on a copy of the demo database: (its URL, the database URL)."""
    chromium_path()
    db = tmp_path_factory.mktemp("notify_browser") / "app.db"
    shutil.copy(demo_db.split("///", 1)[1], db)
    with running_app(db, APP_BASE_URL="https://campaigns.example.org") as url:
        yield url, f"sqlite:///{db}"


def _wecom_card(markdown: str) -> str:
    """The markdown drawn the way a WeCom group shows a robot's markdown message."""
    out = []
    for line in markdown.splitlines():
        text = html.escape(line)
        text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
        text = re.sub(r"\[(.+?)\]\((.+?)\)", r'<a href="\2">\1</a>', text)
        text = re.sub(r"\\(.)", r"\1", text)
        if text.startswith("### "):
            out.append(f"<h3>{text[4:]}</h3>")
        elif text.startswith("- "):
            out.append(f"<div class='li'>• {text[2:]}</div>")
        elif text.strip():
            out.append(f"<p>{text}</p>")
    return (
        "<html><head><meta charset='utf-8'><style>"
        "body{background:#ededed;font-family:'Noto Sans CJK SC',sans-serif;padding:24px}"
        ".row{display:flex;gap:10px}.avatar{width:40px;height:40px;border-radius:6px;"
        "background:#2c7be5;color:#fff;font-size:13px;display:flex;align-items:center;"
        "justify-content:center}.name{color:#888;font-size:12px;margin-bottom:4px}"
        ".card{background:#fff;border-radius:6px;padding:12px 16px;width:460px;"
        "font-size:14px;line-height:1.6}h3{font-size:16px;margin:0 0 6px}p{margin:4px 0}"
        ".li{margin-left:6px}a{color:#2c7be5;text-decoration:none}b{font-weight:600}"
        "</style></head><body><div class='row'><div class='avatar'>督办</div><div>"
        "<div class='name'>服务提升督办机器人</div><div class='card'>"
        + "".join(out)
        + "</div></div></div></body></html>"
    )


def test_office_sets_up_a_channel_and_reads_the_delivery_log(
    app,
    browser,  # noqa: F811
    receiver,
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    url, db_url = app
    ctx = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, url, "office")
    _open_page(page, "通知渠道")
    page.get_by_text("还没有通知渠道").wait_for(timeout=WAIT_MS)
    page.get_by_role("textbox", name="名称").fill("活动办公室群")
    page.get_by_role("textbox", name="Webhook 地址或邮箱").fill(
        f"{receiver.url}/cgi-bin/webhook/send?key={KEY}"
    )
    pick(
        page,
        page.locator('[data-testid="stSelectbox"]').filter(has_text="接收角色"),
        "活动办公室（黄色、红色）",
    )
    page.get_by_role("button", name="保存").first.click()
    page.get_by_text("渠道“活动办公室群”已保存").wait_for(timeout=WAIT_MS)
    _settle(page)
    assert KEY not in page.content()

    pick(
        page,
        page.locator('[data-testid="stSelectbox"]').filter(has_text="新增或修改渠道"),
        "活动办公室群",
    )
    _settle(page)
    page.get_by_role("button", name="发送测试消息").click()
    page.get_by_text("已发送到“活动办公室群”").wait_for(timeout=WAIT_MS)
    assert "测试消息" in receiver.posts[-1].body["markdown"]["content"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notify_channels_page.png"), full_page=True)

    # the scheduler runs on a red day (three days after the 25th, the demo's report day)
    env = {**os.environ, "DATABASE_URL": db_url, "APP_BASE_URL": "https://campaigns.example.org"}
    run = subprocess.run(
        [sys.executable, "-m", "lib.cli", "remind", "--today", "2026-11-28"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "red" in run.stdout and "活动办公室群" in run.stdout
    posts = [p for p in receiver.posts if "红色督办" in p.body["markdown"]["content"]]
    assert posts, [p.body for p in receiver.posts]
    content = posts[0].body["markdown"]["content"]
    assert "联络员" in content and "https://campaigns.example.org/tracker" in content

    page.reload()
    _settle(page)
    page.get_by_role("tab", name="发送记录").click()
    # the log is a data grid (drawn on a canvas): wait for it in the open tab
    page.get_by_role("tabpanel").locator('[data-testid="stDataFrame"]').first.wait_for(
        timeout=WAIT_MS
    )
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "notify_delivery_log.png"), full_page=True)
    assert KEY not in page.content()

    card = tmp_path / "wecom.html"
    card.write_text(_wecom_card(content), "utf-8")
    shot = ctx.new_page()
    shot.set_viewport_size({"width": 560, "height": 900})
    shot.goto(card.as_uri())
    shot.screenshot(path=str(ARTIFACTS / "notify_wecom_message.png"), full_page=True)
    ctx.close()
