"""The console in a real browser: sign in, build a Click to Call campaign through the UI, see the
tag show it on the test site, click it, and find the click in the report; roles enforced; keyboard
use and labels. Screenshots of each screen go to .build/browser-output/console-*.png."""
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import OUTPUT
import pixels


def shot(browser, name):
    browser.save_screenshot(str(OUTPUT / f"console-{name}.png"))


def wait(browser, seconds=10):
    return WebDriverWait(browser, seconds)


def control(browser, label):
    """The form control a visible <label> names (labels are how a person finds a field)."""
    element = wait(browser).until(EC.presence_of_element_located(
        (By.XPATH, f"//label[normalize-space(text())={xpath_text(label)}]")))
    return browser.find_element(By.ID, element.get_attribute("for"))


def xpath_text(text):
    return "'" + text + "'" if "'" not in text else 'concat("' + text + '")'


def heading(browser, text):
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), text))


def type_into(browser, label, text, clear=True):
    element = control(browser, label)
    if clear:
        element.send_keys(Keys.CONTROL, "a")
        element.send_keys(Keys.DELETE)
    element.send_keys(text)
    return element


def sign_in(browser, beckon, email, password, keyboard=False):
    browser.get(beckon.base + "/console")
    heading(browser, "Sign in to Beckon")
    if keyboard:
        # Keyboard only: the email field has focus; Tab to the password; Enter submits.
        active = browser.switch_to.active_element
        assert active.get_attribute("type") == "email"
        active.send_keys(email, Keys.TAB)
        browser.switch_to.active_element.send_keys(password, Keys.ENTER)
    else:
        type_into(browser, "Email", email)
        type_into(browser, "Password", password)
        control(browser, "Password").send_keys(Keys.ENTER)
    heading(browser, "Campaigns")


def unlabelled_controls(browser):
    return browser.execute_script("""
        return [...document.querySelectorAll('main input, main select, main textarea')]
          .filter(c => c.type !== 'hidden' && !(c.labels && c.labels.length) && !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby'))
          .map(c => c.outerHTML.slice(0, 80));""")


def new_user(beckon, email, role):
    return beckon.run("user", "create", "acme", "--email", email, "--role", role, "--json")["password"]


def test_a_campaign_built_in_the_console_is_shown_clicked_and_reported(beckon, browser):
    sign_in(browser, beckon, "admin@acme.example", beckon.admin_password, keyboard=True)
    shot(browser, "campaigns")
    assert unlabelled_controls(browser) == []

    # A campaign, created through the form.
    browser.find_element(By.LINK_TEXT, "New campaign").send_keys(Keys.ENTER)
    heading(browser, "New campaign")
    type_into(browser, "Name", "Console callback")
    control(browser, "Status").send_keys("live")
    type_into(browser, "Priority", "100")
    assert unlabelled_controls(browser) == []
    shot(browser, "campaign-new")
    browser.find_element(By.XPATH, "//button[text()='Create campaign']").click()
    wait(browser).until(lambda d: "/campaigns/" in d.current_url and d.current_url.split("/")[-1].isdigit())
    campaign_id = int(browser.current_url.split("/")[-1])
    heading(browser, "Console callback")

    # A Click to Call engagement, with an entry point and the live preview.
    browser.find_element(By.LINK_TEXT, "New engagement").click()
    heading(browser, "New engagement")
    type_into(browser, "Name", "Call me back")
    browser.find_element(By.XPATH, "//button[text()='Add a page rule']").click()
    type_into(browser, "Value", "/console-quote/")
    type_into(browser, "Your call page URL", f"{beckon.site_origin}/call.html")
    type_into(browser, "Sample values for the preview", "name=Console <Tester>")
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.preview")
    wait(browser).until(lambda d: "Console \\u003cTester>" in (frame.get_attribute("srcdoc") or ""))
    assert frame.get_attribute("sandbox") == "allow-scripts", "scripts run, in an opaque origin"
    browser.switch_to.frame(frame)
    drawn = wait(browser).until(lambda d: d.execute_script(
        "const h = document.querySelector('[data-beckon-engagement]'); return h && h.shadowRoot.querySelector('.bk-body')"))
    assert drawn.text.startswith("Questions about your quote, Console <Tester>?"), "the tag filled and escaped the value"
    browser.switch_to.default_content()
    assert unlabelled_controls(browser) == []
    shot(browser, "engagement-editor")
    browser.find_element(By.XPATH, "//button[text()='Create engagement']").click()
    heading(browser, "Console callback")
    wait(browser).until(EC.presence_of_element_located((By.LINK_TEXT, "Call me back")))
    engagements = beckon.api("GET", f"/api/v1/accounts/acme/campaigns/{campaign_id}/engagements")["items"]
    assert [e["name"] for e in engagements] == ["Call me back"]
    engagement = engagements[0]
    assert engagement["entryPoint"]["include"] == [{"urlContains": "/console-quote/"}]
    assert engagement["type"] == "clickToCall" and engagement["clickToCall"]["brandPageUrl"].endswith("/call.html")

    # The tag shows it on a matching page; the visitor clicks.
    console = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(f"{beckon.site_origin}/console-quote/page.html")
    element = wait(browser).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, f'[data-beckon-engagement="{engagement["id"]}"]')))
    wait(browser).until(lambda d: element.shadow_root.find_elements(By.CSS_SELECTOR, "[data-beckon-click]"))
    visitor = browser.get_cookie("beckon_vid")["value"]
    element.shadow_root.find_element(By.CSS_SELECTOR, "[data-beckon-click]").click()
    assert beckon.wait_for_event(lambda e: e[0] == "click" and e[2]["engagementId"] == engagement["id"])
    for handle in browser.window_handles:
        if handle != console:
            browser.switch_to.window(handle)
            browser.close()
    browser.switch_to.window(console)

    # The report shows the exposure and the click.
    browser.get(beckon.base + "/console#/reports")
    heading(browser, "Reports")
    control(browser, "Campaign").send_keys("Console callback")
    browser.find_element(By.XPATH, "//button[text()='Show']").click()
    wait(browser).until(lambda d: tile(d, "Clicks") == "1" and tile(d, "Exposures") == "1")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    row = browser.find_element(By.XPATH, "//th[@scope='row' and text()='Console callback']/..")
    assert row.find_elements(By.TAG_NAME, "td")[3].text == "1"  # clicks
    assert unlabelled_controls(browser) == []
    shot(browser, "reports")
    browser.find_element(By.XPATH, "//button[text()='Run']").click()
    wait(browser).until(EC.presence_of_element_located((By.XPATH, "//a[text()='Download as CSV']")))
    shot(browser, "custom-report")

    # The visitor's history has the click.
    browser.get(beckon.base + f"/console#/visitors/{visitor}")
    heading(browser, "Visitor history")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main table")))
    cells = browser.find_elements(By.CSS_SELECTOR, "main table tbody td")
    assert any(f"#{engagement['id']}" in c.text for c in cells)
    assert any(c.text == "Console callback" for c in cells)
    shot(browser, "visitor")
    # An admin erases the visitor (a data-protection request).
    browser.find_element(By.XPATH, "//button[text()='Erase this visitor']").click()
    browser.switch_to.alert.accept()
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "The visitor was erased."))
    assert not [e for e in beckon.events() if e[1] == visitor]

    # Settings, sites and keys: each screen works and is labelled.
    for path, title in [("settings", "Settings"), ("sites", "Sites"), ("users", "Users"), ("keys", "API keys")]:
        browser.get(beckon.base + f"/console#/{path}")
        heading(browser, title)
        time.sleep(0.3)
        assert unlabelled_controls(browser) == []
        if path == "sites":
            snippet = browser.find_element(By.CSS_SELECTOR, "pre.snippet").text
            assert f"{beckon.base}/tag/v1/acme/{beckon.site_id}.js" in snippet
        shot(browser, path)
    # An admin adds a user, who gets a password to sign in with.
    browser.get(beckon.base + "/console#/users")
    heading(browser, "Users")
    type_into(browser, "Email", "newcomer@acme.example")
    control(browser, "Role").send_keys("Campaign manager")
    browser.find_element(By.XPATH, "//button[text()='Add user']").click()
    password = wait(browser).until(EC.presence_of_element_located((By.ID, "new-user-password"))).text
    shot(browser, "user-added")
    users = beckon.api("GET", "/api/v1/accounts/acme/users")["items"]
    assert any(u["email"] == "newcomer@acme.example" and u["role"] == "campaignManager" for u in users)
    assert len(password) >= 16

    browser.get(beckon.base + "/console#/keys")
    heading(browser, "API keys")
    type_into(browser, "Name", "Call centre")
    browser.find_element(By.XPATH, "//button[text()='Create key']").click()
    bearer = wait(browser).until(EC.presence_of_element_located((By.ID, "new-key-bearer"))).text
    assert bearer.startswith("bk_")
    shot(browser, "key-created")


def tile(browser, label):
    """A figure of the report's tiles (read in one script: the tiles are redrawn on each load)."""
    return browser.execute_script("""
        const tile = [...document.querySelectorAll('.tile')].find(t => t.querySelector('.l').textContent === arguments[0]);
        return tile ? tile.querySelector('.n').textContent : null;""", label)


def test_settings_errors_are_shown_next_to_their_field(beckon, browser):
    sign_in(browser, beckon, "admin@acme.example", beckon.admin_password)
    browser.get(beckon.base + "/console#/settings")
    heading(browser, "Settings")
    type_into(browser, "Time zone", "Mars/Olympus")
    browser.find_element(By.XPATH, "//button[text()='Save settings']").click()
    error = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-field='timeZone'] .error")))
    assert "timeZone" in error.text or "time zone" in error.text.lower()
    assert browser.switch_to.active_element.get_attribute("id") == control(browser, "Time zone").get_attribute("id")
    shot(browser, "settings-error")


def test_abuse_defences_are_tuned_in_the_settings_screen(beckon, browser):
    original = beckon.api("GET", "/api/v1/accounts/acme/settings")["abuse"]
    try:
        sign_in(browser, beckon, "admin@acme.example", beckon.admin_password)
        browser.get(beckon.base + "/console#/settings")
        heading(browser, "Settings")
        wait(browser).until(EC.presence_of_element_located((By.XPATH, "//legend[text()='Abuse defences']")))
        assert unlabelled_controls(browser) == []
        assert control(browser, "Clicks per visitor in 15 minutes").get_attribute("value") == str(original["clicks"]["per15Minutes"])
        assert "+1900" in control(browser, "Premium and high-risk prefixes never called").get_attribute("value")
        # A country code that is not one: refused by the server, shown at its field.
        type_into(browser, "Countries you call", "US, U5")
        browser.find_element(By.XPATH, "//button[text()='Save settings']").click()
        error = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-field='abuse.allowedCountries'] .error")))
        assert "ISO" in error.text
        type_into(browser, "Countries you call", "us, ca")
        type_into(browser, "Clicks per visitor in 15 minutes", "6")
        type_into(browser, "Calls per day", "500")
        type_into(browser, "Calls at once", "")
        browser.find_element(By.XPATH, "//button[text()='Save settings']").click()
        wait(browser).until(lambda _: beckon.api("GET", "/api/v1/accounts/acme/settings")["abuse"]["clicks"]["per15Minutes"] == 6)
        saved = beckon.api("GET", "/api/v1/accounts/acme/settings")["abuse"]
        assert saved["allowedCountries"] == ["US", "CA"] and saved["dailyCallBudget"] == 500
        assert saved.get("concurrentCalls") is None and saved["clicks"]["perHour"] == original["clicks"]["perHour"]
        assert saved["premiumPrefixes"] == original["premiumPrefixes"]
        browser.refresh()
        heading(browser, "Settings")
        assert control(browser, "Countries you call").get_attribute("value") == "US, CA"
        assert control(browser, "Calls per day").get_attribute("value") == "500"
        browser.execute_script("[...document.querySelectorAll('legend')].find(l => l.textContent === 'Abuse defences').scrollIntoView()")
        shot(browser, "settings-abuse")
    finally:
        beckon.api("PATCH", "/api/v1/accounts/acme/settings", {"abuse": {**original, "allowedCountries": original.get("allowedCountries")}})


def test_a_wrong_password_is_refused_in_place(beckon, browser):
    browser.get(beckon.base + "/console")
    heading(browser, "Sign in to Beckon")
    type_into(browser, "Email", "admin@acme.example")
    type_into(browser, "Password", "not the password")
    control(browser, "Password").send_keys(Keys.ENTER)
    error = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-field='password'] .error")))
    assert error.text == "wrong email or password"
    shot(browser, "sign-in-error")


def test_a_campaign_manager_cannot_reach_api_keys(beckon, browser):
    password = new_user(beckon, "cm@acme.example", "campaignManager")
    sign_in(browser, beckon, "cm@acme.example", password)
    nav = browser.find_element(By.ID, "nav").text
    assert "Campaigns" in nav and "API keys" not in nav and "Users" not in nav
    browser.get(beckon.base + "/console#/keys")
    heading(browser, "Something went wrong")
    assert "Not allowed" in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "manager-keys-refused")
    status = browser.execute_script("""
        const session = await (await fetch('/console/api/session')).json();
        const r = await fetch('/api/v1/accounts/acme/apikeys', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken}, body: JSON.stringify({scopes: ['admin']})});
        return r.status;""")
    assert status == 403


def test_an_analyst_can_read_but_not_edit(beckon, browser):
    password = new_user(beckon, "analyst@acme.example", "analyst")
    sign_in(browser, beckon, "analyst@acme.example", password)
    campaign = beckon.api("POST", "/api/v1/accounts/acme/campaigns", {"name": "Read only for analysts"})
    browser.get(beckon.base + f"/console#/campaigns/{campaign['id']}")
    heading(browser, "Read only for analysts")
    assert control(browser, "Name").get_attribute("disabled") is not None
    assert not browser.find_elements(By.XPATH, "//button[text()='Save campaign']")
    assert "Your role can view campaigns but not change them." in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "analyst-campaign")
    status = browser.execute_script("""
        const session = await (await fetch('/console/api/session')).json();
        const r = await fetch('/api/v1/accounts/acme/campaigns/""" + str(campaign["id"]) + """', {method: 'PATCH', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken}, body: JSON.stringify({status: 'live'})});
        return r.status;""")
    assert status == 403
    browser.get(beckon.base + "/console#/campaigns")
    heading(browser, "Campaigns")
    assert not browser.find_elements(By.LINK_TEXT, "New campaign")
    browser.get(beckon.base + "/console#/reports")
    heading(browser, "Reports")
    shot(browser, "analyst-reports")


def tab_to(browser, predicate, limit=60):
    """Presses Tab until the focused element satisfies `predicate` (a keyboard user's way)."""
    for _ in range(limit):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if predicate(browser.switch_to.active_element):
            return browser.switch_to.active_element
    raise AssertionError("not reachable with Tab")


def test_the_main_flow_works_with_the_keyboard_alone(beckon, browser):
    sign_in(browser, beckon, "admin@acme.example", beckon.admin_password, keyboard=True)
    # Focus starts at the screen's heading; Tab reaches "New campaign", Enter opens it.
    assert browser.switch_to.active_element.tag_name == "h1"
    tab_to(browser, lambda e: e.text == "New campaign").send_keys(Keys.ENTER)
    heading(browser, "New campaign")
    tab_to(browser, lambda e: e.get_attribute("id") == control(browser, "Name").get_attribute("id")).send_keys("Keyboard campaign")
    browser.switch_to.active_element.send_keys(Keys.TAB)
    browser.switch_to.active_element.send_keys("live")  # the Status select
    tab_to(browser, lambda e: e.text == "Create campaign").send_keys(Keys.ENTER)
    heading(browser, "Keyboard campaign")
    created = [c for c in beckon.api("GET", "/api/v1/accounts/acme/campaigns?limit=100")["items"] if c["name"] == "Keyboard campaign"]
    assert len(created) == 1 and created[0]["status"] == "live"
    # Back in the list, pause it with the keyboard.
    browser.get(beckon.base + "/console#/campaigns")
    heading(browser, "Campaigns")
    tab_to(browser, lambda e: e.text == "Pause Keyboard campaign", limit=200).send_keys(Keys.ENTER)
    wait(browser).until(lambda d: beckon.api("GET", f"/api/v1/accounts/acme/campaigns/{created[0]['id']}")["status"] == "paused")
    shot(browser, "keyboard-paused")


def test_the_preview_looks_exactly_like_the_live_banner(beckon, browser):
    # The console's default creative, as a visitor sees it on the site and as the editor previews it.
    css = ".banner p { margin: 0 0 12px; }\nbutton { background: #1d4ed8; color: #fff; border: 0; border-radius: 6px; padding: 8px 14px; font: inherit; cursor: pointer; }"
    html = '<div class="banner">\n  <p>Questions about your quote, {{name}}? We call you now, free.</p>\n  <button data-beckon-click>Call me</button>\n</div>'
    engagement = beckon.campaign("Same look", {
        "type": "clickToCall", "entryPoint": {"include": [{"urlContains": "/same-look/"}]},
        "creative": {"html": html, "css": css}, "clickToCall": {"brandPageUrl": f"{beckon.site_origin}/call.html"}})

    browser.get(f"{beckon.site_origin}/same-look/page.html")
    live_host = wait(browser).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, f'[data-beckon-engagement="{engagement["id"]}"]')))
    live_box = wait(browser).until(lambda d: live_host.shadow_root.find_element(By.CSS_SELECTOR, ".bk-box"))
    live = live_box.screenshot_as_png
    live_text = live_box.text
    (OUTPUT / "same-look-live.png").write_bytes(live)
    # One frame: the creative draws no card of its own inside the tag's.
    inner = browser.execute_script(
        "return getComputedStyle(arguments[0].shadowRoot.querySelector('.banner')).backgroundColor", live_host)
    assert inner in ("rgba(0, 0, 0, 0)", "transparent")

    sign_in(browser, beckon, "admin@acme.example", beckon.admin_password)
    browser.get(f"{beckon.base}/console#/campaigns/{engagement['campaignId']}/engagements/{engagement['id']}")
    heading(browser, "Same look")
    type_into(browser, "Sample values for the preview", "name=Ana <b>")
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.preview")
    wait(browser).until(lambda d: "Ana \\u003cb>" in (frame.get_attribute("srcdoc") or ""))
    browser.switch_to.frame(frame)
    preview_host = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-beckon-engagement]")))
    preview_box = wait(browser).until(lambda d: preview_host.shadow_root.find_element(By.CSS_SELECTOR, ".bk-box"))
    assert preview_box.text == live_text, "the same words, placeholders filled the same way"
    preview = preview_box.screenshot_as_png
    browser.switch_to.default_content()
    (OUTPUT / "same-look-preview.png").write_bytes(preview)

    # The rounded corners show what is behind the card (the site's page, the preview's grey), so
    # they are left out; everything else must match.
    share, live_size, preview_size = pixels.difference(live, preview, inset=8)
    assert live_size == preview_size, f"live {live_size}, preview {preview_size}"
    assert share < 0.01, f"{share:.1%} of the pixels differ (see .build/browser-output/same-look-*.png)"


def test_webhooks_are_managed_and_a_turned_off_one_is_announced(beckon, browser):
    sign_in(browser, beckon, "admin@acme.example", beckon.admin_password)
    browser.get(beckon.base + "/console#/webhooks")
    heading(browser, "Webhooks")
    assert unlabelled_controls(browser) == []
    url = f"http://127.0.0.1:{beckon.site_port}/hook-gone"
    # A bad URL is refused at its field.
    type_into(browser, "URL", "not a url")
    browser.find_element(By.XPATH, "//button[text()='Add webhook']").click()
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-field='url'] .error, [data-field='url'][class*='invalid'], [aria-invalid='true']")))
    type_into(browser, "URL", url)
    browser.find_element(By.XPATH, "//button[text()='Add webhook']").click()
    secret = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main p.secret"))).text
    assert secret.startswith("whsec_")
    shot(browser, "webhook-added")
    browser.find_element(By.XPATH, "//button[text()='Done']").click()
    wait(browser).until(EC.presence_of_element_located((By.XPATH, f"//h2[text()='{url}']")))
    assert "whsec_" not in browser.find_element(By.TAG_NAME, "main").text, "the secret is shown once"
    # The test message reaches a receiver that answers 410: Beckon turns the endpoint off.
    browser.find_element(By.CSS_SELECTOR, f"button[aria-label='Send a test message to {url}']").click()
    deadline = time.monotonic() + 15
    endpoint = None
    while time.monotonic() < deadline:
        endpoint = next(e for e in beckon.api("GET", "/api/v1/accounts/acme/webhooks")["items"] if e["url"] == url)
        if endpoint.get("disabledReason"):
            break
        time.sleep(0.1)
    assert endpoint and endpoint["disabledReason"] == "gone", endpoint
    browser.refresh()
    wait(browser).until(EC.visibility_of_element_located((By.ID, "banner")))
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "banner"), "410 Gone"))
    assert url in browser.find_element(By.ID, "banner").text
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main table"), "HTTP 410"))
    shot(browser, "webhook-gone")
    # Turned on again: the banner goes.
    browser.find_element(By.CSS_SELECTOR, f"button[aria-label='Turn on {url}']").click()
    wait(browser).until(EC.invisibility_of_element_located((By.ID, "banner")))
    # The screen is drawn again with the endpoint on; only then is its Delete button the current one.
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, f"button[aria-label='Turn off {url}']")))
    browser.find_element(By.CSS_SELECTOR, f"button[aria-label='Delete {url}']").click()
    browser.switch_to.alert.accept()
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "No webhooks yet."))
