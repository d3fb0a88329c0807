"""The website tag in a real browser (SPEC §3, issue 5)."""
import time
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import OUTPUT


def wait(browser, script, seconds=5):
    return WebDriverWait(browser, seconds).until(lambda d: d.execute_script(script))


def host(browser, engagement_id, seconds=5):
    return wait(browser, f"return document.querySelector('[data-beckon-engagement=\"{engagement_id}\"]')", seconds)


def fresh_visitor(browser):
    """Forgets the visitor: cookie, localStorage and the visit in sessionStorage."""
    browser.delete_all_cookies()
    browser.execute_script("localStorage.clear(); sessionStorage.clear()")


def no_errors(browser):
    assert browser.execute_script("return window.__errors") == []


def test_page_views_and_sections_reach_the_server(beckon, browser):
    browser.get(f"{beckon.site_origin}/catalog/sofas.html?section=living,sale")
    found = beckon.wait_for_event(lambda e: e[0] == "pageView" and e[2]["url"].endswith("/catalog/sofas.html?section=living,sale"))
    assert found, "the page view reached the journal"
    assert found[0][2]["sections"] == ["living", "sale"]
    assert beckon.wait_for_event(lambda e: e[0] == "attribute" and e[2]["attribute"]["type"] == "prodView"), \
        "an SDE pushed before the tag loaded was sent"
    visitor = browser.execute_script("return document.cookie")
    assert "beckon_vid=" + found[0][1] in visitor
    no_errors(browser)


def test_an_engagement_appears_only_where_its_rules_say(beckon, browser):
    engagement = beckon.engagement = beckon.campaign("Only on offers", {"entryPoint": {"include": [{"urlContains": "/only-here/"}]}})
    browser.get(f"{beckon.site_origin}/elsewhere/page.html")
    time.sleep(1.5)
    assert browser.execute_script(f"return document.querySelector('[data-beckon-engagement=\"{engagement['id']}\"]')") is None
    browser.get(f"{beckon.site_origin}/only-here/page.html")
    element = host(browser, engagement["id"])
    text = browser.execute_script("return arguments[0].shadowRoot.querySelector('.bk-body').textContent", element)
    assert text.startswith("Hello Ana <b>"), "placeholders are filled, escaped"
    color = browser.execute_script("return getComputedStyle(arguments[0].shadowRoot.querySelector('.bk-box')).color", element)
    assert color != "rgb(255, 0, 0)", "the page's CSS does not reach into the creative"
    no_errors(browser)


def test_each_placement_renders(beckon, browser):
    for placement in ["overlay", "toaster", "slideout", "embedded", "sticky"]:
        extra = {"target": "#call-box"} if placement == "embedded" else {}
        engagement = beckon.campaign(f"Placement {placement}", {
            "placement": placement, **extra, "entryPoint": {"include": [{"urlContains": f"/placement/{placement}/"}]},
            "creative": {"html": f"<p>{placement}: we call you back</p><button data-beckon-click>Call me</button>",
                         "css": "p{font-weight:bold}"}})
        if browser.current_url.startswith("http"):
            fresh_visitor(browser)
        browser.get(f"{beckon.site_origin}/placement/{placement}/page.html")
        element = host(browser, engagement["id"])
        if placement == "embedded":
            assert browser.execute_script("return arguments[0].parentNode.id", element) == "call-box"
        assert browser.execute_script("return arguments[0].shadowRoot.mode", element) == "open"
        label = browser.execute_script("return arguments[0].shadowRoot.querySelector('[role=dialog]').getAttribute('aria-label')", element)
        assert label
        time.sleep(0.2)
        browser.save_screenshot(str(OUTPUT / f"placement-{placement}.png"))
        assert beckon.wait_for_event(lambda e: e[0] == "impression" and e[2]["type"] == "impDisplay"
                                     and e[2]["engagementId"] == engagement["id"])
    no_errors(browser)


def test_close_and_timeout_are_reported(beckon, browser):
    closing = beckon.campaign("Closable", {"entryPoint": {"include": [{"urlContains": "/closable/"}]}})
    browser.get(f"{beckon.site_origin}/closable/page.html")
    element = host(browser, closing["id"])
    element.shadow_root.find_element(By.CSS_SELECTOR, ".bk-close").click()
    assert beckon.wait_for_event(lambda e: e[0] == "impression" and e[2]["type"] == "impClose" and e[2]["engagementId"] == closing["id"])
    assert browser.execute_script(f"return document.querySelector('[data-beckon-engagement=\"{closing['id']}\"]')") is None

    timing = beckon.campaign("Times out", {"timeoutSeconds": 1, "entryPoint": {"include": [{"urlContains": "/timeout/"}]}})
    fresh_visitor(browser)
    browser.get(f"{beckon.site_origin}/timeout/page.html")
    host(browser, timing["id"])
    assert beckon.wait_for_event(lambda e: e[0] == "impression" and e[2]["type"] == "impTimeout" and e[2]["engagementId"] == timing["id"])
    assert browser.execute_script(f"return document.querySelector('[data-beckon-engagement=\"{timing['id']}\"]')") is None
    no_errors(browser)


CONTRAST = """
const host = arguments[0];
const close = host.shadowRoot.querySelector('beckon-close').shadowRoot.querySelector('button');
const box = host.shadowRoot.querySelector('.bk-box');
const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
  .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
const [a, b] = [lum(rgb(getComputedStyle(close).color)), lum(rgb(getComputedStyle(box).backgroundColor))];
return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
"""


def test_the_close_button_stays_visible_whatever_the_creative_styles(beckon, browser):
    # The console's default creative styles every button white on blue: the tag's close button
    # must not inherit it (it was white on the white box, 1:1).
    engagement = beckon.campaign("White buttons", {
        "entryPoint": {"include": [{"urlContains": "/white-buttons/"}]},
        "creative": {"html": "<p>We call you</p><button data-beckon-click>Call me</button>",
                     "css": "button{color:#fff;background:#1a5fd0;border:0} *{color:#fff}"}})
    browser.get(f"{beckon.site_origin}/white-buttons/page.html")
    element = host(browser, engagement["id"])
    ratio = browser.execute_script(CONTRAST, element)
    assert ratio >= 4.5, f"close button contrast {ratio:.2f}:1"
    browser.save_screenshot(str(OUTPUT / "close-button-contrast.png"))
    no_errors(browser)


def test_the_banner_shows_under_a_strict_csp_with_a_nonce_and_a_pinned_tag(beckon, browser):
    engagement = beckon.campaign("Strict CSP", {
        "entryPoint": {"include": [{"urlContains": "/strict-csp/"}]},
        "creative": {"html": "<p>We call you</p><button data-beckon-click>Call me</button>", "css": "p{font-weight:bold}"}})
    # script-src and style-src allow only the page's nonce; the tag is pinned with SRI.
    browser.get(f"{beckon.site_origin}/strict-csp/page.html?csp=1&sri=1")
    element = host(browser, engagement["id"])
    weight = browser.execute_script("return getComputedStyle(arguments[0].shadowRoot.querySelector('p')).fontWeight", element)
    assert weight == "700", "the creative's style was applied (it carries the nonce)"
    ratio = browser.execute_script(CONTRAST, element)
    assert ratio >= 4.5, "the tag's own styles were applied too"
    browser.save_screenshot(str(OUTPUT / "strict-csp.png"))
    no_errors(browser)


def click_to_call(beckon, name, open_mode):
    return beckon.campaign(name, {
        "type": "clickToCall", "openMode": open_mode, "entryPoint": {"include": [{"urlContains": f"/{name}/"}]},
        "clickToCall": {"brandPageUrl": f"{beckon.site_origin}/call.html"}})


def assert_brand_page(beckon, url, engagement):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert url.startswith(f"{beckon.site_origin}/call.html?")
    for name in ["accountId", "visitorId", "sessionId", "campaignId", "engagementId", "engagementRevision", "contextId", "token"]:
        assert query.get(name), name
    assert query["accountId"] == "acme" and query["engagementId"] == str(engagement["id"])
    assert query["token"].count(".") == 2


def test_a_click_opens_the_brand_page_in_a_popup(beckon, browser):
    engagement = click_to_call(beckon, "popup-call", "popup")
    browser.get(f"{beckon.site_origin}/popup-call/page.html")
    element = host(browser, engagement["id"])
    element.shadow_root.find_element(By.CSS_SELECTOR, "[data-beckon-click]").click()
    WebDriverWait(browser, 5).until(lambda d: len(d.window_handles) == 2)
    browser.switch_to.window(browser.window_handles[1])
    WebDriverWait(browser, 5).until(lambda d: "call.html" in d.current_url)
    assert_brand_page(beckon, browser.current_url, engagement)
    assert browser.execute_script("return window.opener") is None
    assert beckon.wait_for_event(lambda e: e[0] == "click" and e[2]["engagementId"] == engagement["id"])


def test_a_click_opens_the_brand_page_in_the_same_window(beckon, browser):
    engagement = click_to_call(beckon, "same-window-call", "sameWindow")
    browser.get(f"{beckon.site_origin}/same-window-call/page.html")
    element = host(browser, engagement["id"])
    element.shadow_root.find_element(By.CSS_SELECTOR, "[data-beckon-click]").click()
    WebDriverWait(browser, 5).until(lambda d: "call.html" in d.current_url)
    assert_brand_page(beckon, browser.current_url, engagement)


def test_single_page_apps_report_virtual_page_views(beckon, browser):
    browser.get(f"{beckon.site_origin}/spa/start.html")
    assert beckon.wait_for_event(lambda e: e[0] == "pageView" and e[2]["url"].endswith("/spa/start.html"))
    browser.find_element(By.ID, "next").click()
    found = beckon.wait_for_event(lambda e: e[0] == "pageView" and e[2]["url"].endswith("/spa/step2"))
    assert found and found[0][2]["sections"] == ["checkout"]
    no_errors(browser)


def test_consent_mode_sends_nothing_before_consent(beckon, browser):
    marker = "/consent-page/page.html"
    browser.get(f"{beckon.site_origin}{marker}?consent=required")
    time.sleep(2)
    assert not [e for e in beckon.events("pageView") if marker in e[2]["url"]]
    assert "beckon_vid" not in browser.execute_script("return document.cookie")
    assert browser.execute_script("return localStorage.getItem('beckon_vid')") is None
    browser.execute_script("beckon.consent(true)")
    assert beckon.wait_for_event(lambda e: e[0] == "pageView" and marker in e[2]["url"])
    no_errors(browser)


def test_the_page_is_unharmed_when_beckon_is_unreachable(beckon, browser):
    for mode in ["unreachable", "deadapi"]:
        browser.get(f"{beckon.site_origin}/down/page.html?tag={mode}")
        time.sleep(1.5)
        assert browser.find_element(By.ID, "counter").text == "1"
        no_errors(browser)
