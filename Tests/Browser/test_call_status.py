"""The call status reaches the visitor's page (issue 6): click → the brand reports a status →
the page shows it within a second and fires CALL_STATUS."""
import json
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_tag import host, no_errors


def report_status(beckon, vid, sid, context, status):
    request = urllib.request.Request(
        f"{beckon.base}/api/account/acme/monitoring/visitors/{vid}/visits/current/events?v=1&sid={sid}", method="POST",
        data=json.dumps([{"type": "convStatus", "contextId": context, "status": status, "callId": "c-1"}]).encode(),
        headers={"Authorization": "Bearer " + beckon.bearer, "Content-Type": "application/json",
                 "X-HTTP-Method-Override": "PUT"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


def test_a_status_posted_by_the_brand_shows_on_the_visitors_page(beckon, browser):
    engagement = beckon.campaign("status-call", {
        "type": "clickToCall", "openMode": "popup", "entryPoint": {"include": [{"urlContains": "/status-call/"}]},
        "clickToCall": {"brandPageUrl": f"{beckon.site_origin}/call.html"}})
    browser.get(f"{beckon.site_origin}/status-call/page.html")
    browser.execute_script("window.__calls = []; beckon.events.bind('CALL_STATUS', function (s) { window.__calls.push(s.status); });")
    element = host(browser, engagement["id"])
    element.shadow_root.find_element(By.CSS_SELECTOR, "[data-beckon-click]").click()
    WebDriverWait(browser, 5).until(lambda d: len(d.window_handles) == 2)
    main = browser.window_handles[0]
    browser.switch_to.window(browser.window_handles[1])
    WebDriverWait(browser, 5).until(lambda d: "call.html" in d.current_url)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(browser.current_url).query))
    browser.switch_to.window(main)
    time.sleep(0.5)  # the page opens its status stream right after the click's answer

    for status, text in [("RINGING", "Calling you now…"), ("CONNECTED", "You are connected."), ("COMPLETED", "Call completed. Thank you!")]:
        report_status(beckon, query["visitorId"], query["sessionId"], query["contextId"], status)
        shown = WebDriverWait(browser, 1.0, poll_frequency=0.05).until(lambda d: d.execute_script(
            "var s = arguments[0].shadowRoot.querySelector('.bk-status'); return s.textContent === arguments[1] && s.textContent;",
            element, text))
        assert shown == text
    assert browser.execute_script("return window.__calls") == ["RINGING", "CONNECTED", "COMPLETED"]
    no_errors(browser)


def test_after_a_busy_line_the_visitor_can_click_again(beckon, browser):
    engagement = beckon.campaign("busy-call", {
        "type": "clickToCall", "openMode": "popup", "entryPoint": {"include": [{"urlContains": "/busy-call/"}]},
        "clickToCall": {"brandPageUrl": f"{beckon.site_origin}/call.html"}})
    browser.get(f"{beckon.site_origin}/busy-call/page.html")
    main = browser.current_window_handle
    element = host(browser, engagement["id"])
    tokens = []
    for attempt in range(2):
        element.shadow_root.find_element(By.CSS_SELECTOR, "[data-beckon-click]").click()
        WebDriverWait(browser, 5).until(lambda d: len(d.window_handles) == 2)
        popup = next(h for h in browser.window_handles if h != main)
        browser.switch_to.window(popup)
        WebDriverWait(browser, 5).until(lambda d: "call.html" in d.current_url)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(browser.current_url).query))
        tokens.append(query["token"])
        browser.close()
        browser.switch_to.window(main)
        if attempt == 0:
            time.sleep(0.5)  # the page opens its status stream right after the click's answer
            report_status(beckon, query["visitorId"], query["sessionId"], query["contextId"], "BUSY")
            WebDriverWait(browser, 2, poll_frequency=0.05).until(lambda d: d.execute_script(
                "return arguments[0].shadowRoot.querySelector('.bk-status').textContent", element) == "Your line was busy.")
            WebDriverWait(browser, 2).until(lambda d: d.execute_script(
                f"return beckon.engagement.state({engagement['id']}).status") == "displayed")
    # The second click is a click-through of its own (its token equals the first only when both
    # fall in the same second: the claims are the same then).
    assert all(tokens)
    clicks = [e for e in beckon.events("click") if e[2]["engagementId"] == engagement["id"]]
    assert len(clicks) == 2
    no_errors(browser)


def test_the_stream_needs_the_click_token(beckon):
    url = f"{beckon.base}/api/account/acme/monitoring/visitors/x/visits/current/status-stream?sid=y&token=not.a.token"
    try:
        urllib.request.urlopen(url)
        assert False, "refused"
    except urllib.error.HTTPError as error:
        assert error.code == 401


def test_the_click_token_verifies_offline_as_documented(beckon, browser):
    """docs/click-tokens.md's Python verification, with the `cryptography` package."""
    import base64
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    def b64(part):
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    engagement = beckon.campaign("offline-token", {
        "type": "clickToCall", "openMode": "sameWindow", "entryPoint": {"include": [{"urlContains": "/offline-token/"}]},
        "clickToCall": {"brandPageUrl": f"{beckon.site_origin}/call.html"}})
    browser.get(f"{beckon.site_origin}/offline-token/page.html")
    host(browser, engagement["id"]).shadow_root.find_element(By.CSS_SELECTOR, "[data-beckon-click]").click()
    WebDriverWait(browser, 5).until(lambda d: "call.html" in d.current_url)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(browser.current_url).query))
    header, claims, signature = query["token"].split(".")
    kid = json.loads(b64(header))["kid"]
    keys = json.load(urllib.request.urlopen(f"{beckon.base}/api/account/acme/clicktocall/keys"))["keys"]
    key = next(k for k in keys if k["kid"] == kid)
    Ed25519PublicKey.from_public_bytes(b64(key["x"])).verify(b64(signature), f"{header}.{claims}".encode())
    values = json.loads(b64(claims))
    assert values["accountId"] == "acme" and values["exp"] > time.time()
    for name in ["visitorId", "sessionId", "campaignId", "engagementId", "engagementRevision", "contextId"]:
        assert str(values[name]) == query[name], name
