"""The tag's page API: events, the engagement trigger API, retryAfterMs and keyboard use."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from test_tag import host, no_errors, wait


def test_events_and_the_engagement_api_follow_a_display_and_a_decline(beckon, browser):
    engagement = beckon.campaign("Events", {"entryPoint": {"include": [{"urlContains": "/events/"}]}})
    browser.get(f"{beckon.site_origin}/events/page.html")
    browser.execute_script("""
        window.__seen = [];
        ["OFFER_DISPLAY", "OFFER_DECLINED", "OFFER_REMOVE"].forEach(function (name) {
            beckon.events.bind(name, function (info) { window.__seen.push(name + ":" + (info && info.engagementId)); });
        });
        beckon.events.bind("OFFER_DISPLAY", function () { throw new Error("a broken handler must not break the tag"); });
    """)
    element = host(browser, engagement["id"])
    info = browser.execute_script(f"return beckon.engagement.info({engagement['id']})")
    assert info["contextId"] and info["state"] == "displayed" and info["placement"] == "toaster"
    # Keyboard: Escape inside the engagement declines it.
    element.shadow_root.find_element(By.CSS_SELECTOR, "[data-beckon-click]").send_keys(Keys.ESCAPE)
    wait(browser, f"return beckon.engagement.state({engagement['id']}) === 'closed'")
    seen = browser.execute_script("return window.__seen")
    assert f"OFFER_DECLINED:{engagement['id']}" in seen and f"OFFER_REMOVE:{engagement['id']}" in seen
    assert beckon.wait_for_event(lambda e: e[0] == "impression" and e[2]["type"] == "impClose" and e[2]["engagementId"] == engagement["id"])
    assert browser.execute_script("return window.__errors") == []


def test_time_on_page_is_followed_with_retry_after(beckon, browser):
    engagement = beckon.campaign("After two seconds", {
        "entryPoint": {"include": [{"urlContains": "/linger/"}]}, "behaviour": {"all": [{"timeOnPageSeconds": 2}]}})
    browser.get(f"{beckon.site_origin}/linger/page.html")
    assert browser.execute_script(f"return document.querySelector('[data-beckon-engagement=\"{engagement['id']}\"]')") is None
    host(browser, engagement["id"], seconds=6)
    pending = beckon.wait_for_event(lambda e: e[0] == "decision" and any(
        o["engagementId"] == engagement["id"] and o["outcome"] == "behaviourPending" for o in e[2]["outcomes"]))
    assert pending, "the first decision was behaviourPending"
    no_errors(browser)
