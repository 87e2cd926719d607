"""Two journalists at once: what one uploads never reaches the other's page, link or files.

Streamlit serves every visitor from one process, so the only ways across are shared objects:
st.cache_resource, module globals, and st.cache_data entries that are not keyed by content.
The first test reads the code for those; the second drives two browser contexts at once.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

ROOT = Path(__file__).resolve().parents[2]
TIMELINE = '[class*="st-key-timeline"] [data-testid="stPlotlyChart"]'
NETWORK = '[class*="st-key-network"] [data-testid="stPlotlyChart"]'
EXCEPTION = '[data-testid="stException"]'
UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART_TIMEOUT = 60_000
FIGURES_JS = """() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(el => el.data))"""


# --- the code ---------------------------------------------------------------------------------


def _modules() -> list[Path]:
    components = sorted((ROOT / "components").glob("*.py"))
    return [ROOT / "app.py", *components, *sorted((ROOT / "claimtrace").rglob("*.py"))]


def _filled_at_run_time(name: str, source: str) -> bool:
    """Whether `name` is written into (`name[k] = v`, `name.append(...)`) anywhere."""
    item = rf"\b{re.escape(name)}\s*\[[^\]]*\]\s*="
    method = rf"\b{re.escape(name)}\.(append|extend|update|add|setdefault|pop|clear)\("
    return bool(re.search(item, source) or re.search(method, source))


def _decorators(function: ast.FunctionDef) -> list[str]:
    return [ast.unparse(d) for d in function.decorator_list]


def test_no_user_data_can_live_in_shared_objects():
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        source = ast.unparse(tree)
        if path.name == "casestore.py":
            # The one shared object: the case store's connection pool, one per database URL. It
            # holds no case: what a session shows comes from the database, by case id.
            opened = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
                      and any("cache_resource" in d for d in _decorators(n))]  # fmt: skip
            assert [(f.name, [a.arg for a in f.args.args]) for f in opened] == [("_open", ["url"])]
            source = source.replace("@st.cache_resource(show_spinner=False)", "")
        assert "cache_resource" not in source, path  # one object shared by every session
        for node in ast.walk(tree):
            assert not isinstance(node, ast.Global), f"{path}: global {node.names}"
        for node in tree.body:  # module level: constants only, no containers filled later
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(
                getattr(node, "value", None), ast.Dict | ast.List | ast.Set
            ):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    name = ast.unparse(target)
                    if name.startswith("__") and name.endswith("__"):
                        continue  # __all__ and the like
                    assert name.lstrip("_").isupper(), f"{path}: module-level {name}"
                    assert not _filled_at_run_time(name, source), f"{path}: {name} is filled"
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                "lru_cache" in d or d in ("cache", "functools.cache") for d in _decorators(node)
            ):
                # Only the vocabularies, read from the package's own files, are cached so.
                assert path.parent.name == "vocab", f"{path}: {node.name} is cached per process"


def test_every_cached_function_is_keyed_by_content():
    """st.cache_data is shared by every session: each cached function must take what its result
    is made of (bytes, a path and its mtime, or a hash of the content) among the arguments it is
    keyed by; arguments starting with '_' are not part of the key."""
    keyed = {"data", "path", "content", "case_key", "sha256"}
    found = []
    for path in sorted((ROOT / "components").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                "cache_data" in d for d in _decorators(node)
            ):
                names = [a.arg for a in node.args.args]
                found.append(node.name)
                assert keyed & set(names), f"{path}: {node.name}({', '.join(names)})"
    assert found  # the test reads the code it means to read


def test_the_inferred_links_cache_key_is_the_whole_hash():
    sidebar = (ROOT / "components" / "sidebar.py").read_text(encoding="utf-8")
    assert "short_hash" not in re.findall(r"return Choice\((.*)\)", sidebar)[-1]


# --- two browsers at once -----------------------------------------------------------------------


def events_file(secret: str, count: int) -> bytes:
    events = [
        {
            "id": f"{secret.lower()}-{i}",
            "date": f"2022-08-{1 + i:02d}",
            "outlet": f"{secret} Outlet {i}",
            "outlet_type": "tabloid" if i % 2 else "wire",
            "country": "GB",
            "language": "en",
            "headline": f"{secret} headline {i}",
            "cites": f"{secret.lower()}-{i - 1}" if i else "",
        }
        for i in range(count)
    ]
    return json.dumps({"case": {"title": f"{secret} case"}, "events": events}).encode()


def open_and_upload(browser: Browser, server: str, secret: str, count: int):
    context = browser.new_context(viewport={"width": 1500, "height": 4200}, accept_downloads=True)
    page = context.new_page()
    page.goto(server)
    page.get_by_text("Upload a file").click(timeout=CHART_TIMEOUT)
    upload = {"name": f"{secret}.json", "mimeType": "application/json"}
    page.set_input_files(UPLOAD, files=[upload | {"buffer": events_file(secret, count)}])
    return context, page


def wait_for_charts(page: Page) -> None:
    for chart in (TIMELINE, NETWORK):
        page.locator(f"{chart} .main-svg, {EXCEPTION}").first.wait_for(timeout=60_000)
    assert page.locator(EXCEPTION).count() == 0
    page.wait_for_selector(IDLE)


def what_the_page_holds(page: Page) -> str:
    """Text (the events table's too), figure data, the share link and the events CSV the page
    would export."""
    page.locator('[data-testid="stExpander"] summary', has_text="Events table").click()
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    page.locator('[data-testid="stExpander"] summary', has_text="Share this view").click()
    link = page.locator('[data-testid="stCode"] code').first.inner_text()
    page.locator('[data-testid="stExpander"] summary', has_text="Export: images").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Events (CSV)").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return "\n".join([page.locator("body").inner_text(), page.evaluate(FIGURES_JS), link, exported])


@pytest.mark.browser
def test_two_sessions_never_see_each_others_data(browser: Browser, server: str):
    # Alice and Bob upload one after the other, before either page is drawn: the server
    # reads and draws both at the same time, in two sessions of one process.
    jobs = [("Alice", 5), ("Bob", 8)]
    opened = [open_and_upload(browser, server, secret, count) for secret, count in jobs]
    try:
        for _, page in opened:
            wait_for_charts(page)
        held = {
            secret: what_the_page_holds(page)
            for (secret, _), (_, page) in zip(jobs, opened, strict=True)
        }
        assert "Alice Outlet 4" in held["Alice"] and "Bob" not in held["Alice"]
        assert "Bob Outlet 7" in held["Bob"] and "Alice" not in held["Bob"]
        # A third visitor, on the upload page: no file, and nothing of either.
        context = browser.new_context(viewport={"width": 1500, "height": 4200})
        third = context.new_page()
        third.goto(f"{server}/?source=Upload+a+file")
        expect(third.get_by_text("Upload a spreadsheet of source events")).to_be_visible()
        third.wait_for_selector(IDLE)
        assert third.locator('[data-testid="stFileUploaderFile"]').count() == 0
        text = third.locator("body").inner_text()
        assert "Alice" not in text and "Bob" not in text
        context.close()
    finally:
        for context, _ in opened:
            context.close()


@pytest.mark.browser
def test_a_second_upload_in_a_session_shows_all_its_events(browser: Browser, server: str):
    context, page = open_and_upload(browser, server, "Alice", 5)
    try:
        wait_for_charts(page)
        for secret, count in (("Bob", 8), ("Carol", 8)):
            upload = {"name": f"{secret}.json", "mimeType": "application/json"}
            page.set_input_files(UPLOAD, files=[upload | {"buffer": events_file(secret, count)}])
            expect(page.get_by_text(f"{secret} case").first).to_be_visible(timeout=60_000)
            wait_for_charts(page)
            metric = page.locator('[data-testid="stMetricValue"]').first
            expect(metric).to_have_text(str(count), timeout=10_000)
    finally:
        context.close()
