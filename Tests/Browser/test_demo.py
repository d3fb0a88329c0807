"""`beckon demo` end to end, as a new user follows its printed instructions: the banner on the sample
site, the click opening the reference call page, the call progressing (on the call page and on the
visitor's page), and the console's report showing the exposure, the click and the completed call."""
import json
import os
import subprocess
import tempfile
import threading

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import OUTPUT, ROOT, free_port


@pytest.fixture
def demo():
    folder = tempfile.mkdtemp(prefix="beckon-demo-")
    binary = os.environ.get("BECKON_BIN", str(ROOT / ".build" / "debug" / "beckon"))
    ports = [free_port(), free_port(), free_port()]
    process = subprocess.Popen(
        [binary, "demo", "--http-port", str(ports[0]), "--callpage-port", str(ports[1]), "--site-port", str(ports[2]),
         "--data-dir", os.path.join(folder, "demo"), "--call-speed", "0.3", "--json"],
        cwd=folder, stdout=subprocess.PIPE, stderr=open(os.path.join(folder, "demo.log"), "w"), text=True)
    started = {}
    reader = threading.Thread(target=lambda: started.update(json.loads(process.stdout.readline() or "{}")), daemon=True)
    reader.start()
    reader.join(timeout=120)
    assert started, "beckon demo did not start: " + open(os.path.join(folder, "demo.log")).read()[-2000:]
    yield started
    process.terminate()
    process.wait(timeout=20)
    assert process.returncode == 0, "beckon demo did not stop cleanly on SIGTERM"


def test_the_demo_shows_the_whole_click_to_call_flow(demo, browser):
    wait = WebDriverWait(browser, 20)
    # 1. The brand's website: the banner appears after two seconds on the product page.
    browser.get(demo["product"])
    host = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-beckon-engagement]")))
    wait.until(lambda d: host.shadow_root.find_elements(By.CSS_SELECTOR, "[data-beckon-click]"))
    browser.save_screenshot(str(OUTPUT / "demo-1-banner.png"))
    site = browser.current_window_handle
    host.shadow_root.find_element(By.CSS_SELECTOR, "[data-beckon-click]").click()

    # 2. The call page opens in a popup: a number, consent, and the call runs to its end.
    wait.until(lambda d: len(d.window_handles) == 2)
    browser.switch_to.window([h for h in browser.window_handles if h != site][0])
    phone = wait.until(EC.presence_of_element_located((By.ID, "phone")))
    assert browser.current_url.startswith(demo["callPage"])
    browser.save_screenshot(str(OUTPUT / "demo-2-call-page.png"))
    phone.send_keys("+1 555 010 0123")
    browser.find_element(By.CSS_SELECTOR, "input[name=consent]").send_keys(Keys.SPACE)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    status = wait.until(EC.presence_of_element_located((By.ID, "status")))
    wait.until(lambda d: d.find_element(By.ID, "status").get_attribute("data-status") in ("RINGING", "CONNECTED", "COMPLETED"))
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "status").get_attribute("data-status") == "COMPLETED")
    assert "Call completed" in browser.find_element(By.ID, "status").text
    browser.save_screenshot(str(OUTPUT / "demo-3-call-completed.png"))

    # ... and the visitor's page followed the call.
    browser.switch_to.window(site)
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "call-status").get_attribute("data-status") == "COMPLETED")
    assert "Call completed" in browser.find_element(By.ID, "call-status").text
    browser.save_screenshot(str(OUTPUT / "demo-4-site-status.png"))

    # 3. The console's report shows the exposure, the click and the completed call.
    browser.get(demo["console"])
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[type=email]"))).send_keys(demo["consoleEmail"])
    password = browser.find_element(By.CSS_SELECTOR, "input[type=password]")
    password.send_keys(demo["consolePassword"], Keys.ENTER)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), "Campaigns"))
    browser.get(demo["console"] + "#/reports")

    def tile(label):
        return browser.execute_script("""
            const tile = [...document.querySelectorAll('.tile')].find(t => t.querySelector('.l').textContent === arguments[0]);
            return tile ? tile.querySelector('.n').textContent : null;""", label)

    WebDriverWait(browser, 20).until(lambda d: tile("Exposures") == "1" and tile("Clicks") == "1" and tile("Calls completed") == "1")
    browser.save_screenshot(str(OUTPUT / "demo-5-report.png"))
