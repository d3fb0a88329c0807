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
    assert info["contextId"] and info["status"] == "displayed" and info["placement"] == "toaster"
    # LivePerson's fields: integer type (2: toaster) and agent state, contexts, confKey.
    assert info["engagementType"] == 2 and info["state"] == 1 and info["contexts"][0] == {"EngagementContext": {"id": info["contextId"]}}
    assert info["confKey"] == f"{info['campaignId']}_{engagement['id']}_{info['engagementRevision']}"
    assert info["engagementName"] == "Events"
    assert browser.execute_script("return beckon.engagement.info(999)") == {}
    # Keyboard: Escape inside the engagement declines it.
    element.shadow_root.find_element(By.CSS_SELECTOR, "[data-beckon-click]").send_keys(Keys.ESCAPE)
    wait(browser, f"return beckon.engagement.state({engagement['id']}).status === 'closed'")
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


def test_livepersons_page_api_forms_work(beckon, browser):
    engagement = beckon.campaign("LP forms", {"entryPoint": {"include": [{"urlContains": "/lp-forms/"}]}})
    # Consent required: the tag waits, so the bindings are in place before the first page view.
    browser.get(f"{beckon.site_origin}/lp-forms/page.html?consent=required")
    wait(browser, "return !!(window.beckon && beckon.events && beckon.consent)")
    browser.execute_script("""
        window.__lp = [];
        // LivePerson's three-argument form, its object form (fired once), and "*" for every app.
        beckon.events.bind("LP_OFFERS", "OFFER_DISPLAY", function (data, info) { window.__lp.push("3:" + info.appName + ":" + data.engagementId); });
        beckon.events.bind({appName: "lp_sdes", eventName: "VAR_ADDED", func: function (data) { window.__lp.push("obj:" + data.type); }, triggerOnce: true});
        beckon.events.bind("*", "VAR_ADDED", function (data, info) { window.__lp.push("any:" + info.eventName); });
        // sdes.push with an array of SDEs (LivePerson's form), then sdes.send.
        beckon.sdes.push([{type: "cart", total: 10, numItems: 1}, {type: "ctmrinfo", info: {ctype: "vip"}}]);
        beckon.sdes.send({type: "mrktInfo", info: {channel: "1"}});
        beckon.consent(true);
    """)
    host(browser, engagement["id"])
    wait(browser, "return window.__lp.filter(function (x) { return x.indexOf('3:') === 0; }).length === 1")
    seen = browser.execute_script("return window.__lp")
    assert f"3:LP_OFFERS:{engagement['id']}" in seen
    assert seen.count("obj:cart") == 1 and "obj:ctmrinfo" not in seen, "triggerOnce"
    assert seen.count("any:VAR_ADDED") == 3, "the three pushed after binding"
    assert browser.execute_script("return beckon.sdes.get('cart').length") == 1
    assert browser.execute_script("return beckon.sdes.get().length") == 4
    for kind in ["cart", "ctmrinfo", "mrktInfo"]:
        assert beckon.wait_for_event(lambda e, kind=kind: e[0] == "attribute" and e[2]["attribute"]["type"] == kind), kind
    # The Engagement Trigger API answers in LivePerson's shapes.
    stub = browser.execute_script(f"return beckon.taglets.rendererStub.getEngagementState({engagement['id']})")
    assert stub["engagementId"] == engagement["id"] and stub["desc"] == "online"
    assert browser.execute_script("return beckon.taglets.rendererStub.getEngagementState(999)") == {}
    assert browser.execute_script("return beckon.engagement.click(999)") is False
    no_errors(browser)


def test_an_sde_pushed_during_the_first_page_view_is_sent_when_it_answers(beckon, browser):
    browser.get(f"{beckon.site_origin}/inflight/page.html?consent=required")
    wait(browser, "return !!(window.beckon && beckon.consent)")
    # Consent starts the first page view; the SDE is pushed while it is on its way.
    browser.execute_script("beckon.consent(true); beckon.sdes.push({type: 'searchInfo', keywords: ['in', 'flight']})")
    assert beckon.wait_for_event(lambda e: e[0] == "attribute" and e[2]["attribute"]["type"] == "searchInfo"
                                 and e[2]["attribute"].get("keywords") == ["in", "flight"]), \
        "sent without waiting for another page view"
    no_errors(browser)
