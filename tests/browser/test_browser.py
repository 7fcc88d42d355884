"""The UI in a real headless browser: YASGUI runs a competency question against /sparql
and shows its rows; a linked-data page opens (through the 303) and its links lead on;
the search box leads to an entity; nothing is fetched from another host."""

from __future__ import annotations

import os

TIMEOUT = 20


def wait(driver, condition, timeout=TIMEOUT):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def problems(driver) -> list[str]:
    """Console errors: CSP violations, failed loads, script errors."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def only_this_host(driver, origin: str) -> list[str]:
    names = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [n for n in names if not n.startswith(origin) and not n.startswith("data:")]


def shot(driver, name):
    folder = os.environ.get("SCO_KG_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        driver.save_screenshot(os.path.join(folder, name + ".png"))


def test_yasgui_runs_an_example_query_and_shows_its_rows(driver, server_url):
    driver.get(server_url + "/")
    wait(driver, lambda d: css(d, ".tabPanel.active .yasqe_queryButton"))
    tabs = [t.text for t in css(driver, ".tabsList .tab")]
    assert any("Which states founded the SCO" in t for t in tabs), tabs
    assert any("observers" in t for t in tabs), tabs
    css(driver, ".tabPanel.active .yasqe_queryButton")[0].click()
    wait(driver, lambda d: len(css(d, ".tabPanel.active .yasr table tbody tr")) >= 6)
    rows = [r.text for r in css(driver, ".tabPanel.active .yasr table tbody tr")]
    assert len(rows) == 6, rows
    text = "\n".join(rows)
    for name in ("China", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan", "Uzbekistan"):
        assert name in text
    shot(driver, "home-after-query")
    assert only_this_host(driver, server_url) == []
    assert problems(driver) == []
    # an IRI of the dataset in the results opens its page on this host
    link = [a for a in css(driver, ".tabPanel.active .yasr table tbody a")
            if a.get_attribute("href") == "https://w3id.org/sco-kg/id/china"][0]
    link.click()
    wait(driver, lambda d: d.current_url == server_url + "/id/china.html")
    assert "Chine" in driver.page_source


def test_second_tab_runs_its_own_question(driver, server_url):
    driver.get(server_url + "/#02-observers")
    wait(driver, lambda d: css(d, ".tabPanel.active .yasqe_queryButton"))
    active = css(driver, ".tabsList .tab.active")[0].text
    assert "observers" in active
    css(driver, ".tabPanel.active .yasqe_queryButton")[0].click()
    wait(driver, lambda d: len(css(d, ".tabPanel.active .yasr table tbody tr")) >= 6)
    assert "mongolia" in css(driver, ".tabPanel.active .yasr table")[0].text.lower()


def test_linked_data_page_opens_and_its_links_lead_on(driver, server_url):
    driver.get(server_url + "/id/sco")  # the entity IRI's path: a 303 to the HTML document
    wait(driver, lambda d: d.current_url.endswith("/id/sco.html"))
    assert "Organisation de coopération de Shanghaï" in driver.page_source
    svg = css(driver, "svg.timeline-svg")
    assert svg and svg[0].size["height"] > 200
    shot(driver, "sco-page")
    link = [a for a in css(driver, "table.facts a") if a.get_attribute("href").endswith("/id/uzbekistan")][0]
    link.click()
    wait(driver, lambda d: d.current_url.endswith("/id/uzbekistan.html"))
    assert "Ouzbékistan" in driver.page_source
    back = [a for a in css(driver, "a") if a.get_attribute("href").endswith("/id/sco")][0]
    back.click()
    wait(driver, lambda d: d.current_url.endswith("/id/sco.html"))
    assert only_this_host(driver, server_url) == []
    assert problems(driver) == []


def test_search_box_leads_to_the_entity(driver, server_url):
    from selenium.webdriver.common.keys import Keys

    driver.get(server_url + "/ontology")
    box = css(driver, "header form.search input[type=search]")[0]
    box.send_keys("shanghai", Keys.ENTER)
    wait(driver, lambda d: "/search" in d.current_url and css(d, "ul.hits a"))
    first = css(driver, "ul.hits a")[0]
    assert first.get_attribute("href").endswith("/id/sco")
    first.click()
    wait(driver, lambda d: d.current_url.endswith("/id/sco.html"))
    assert problems(driver) == []


def test_a_share_link_opens_its_query_in_a_tab(driver, server_url):
    from urllib.parse import quote

    query = "SELECT ?s WHERE { ?s a <https://w3id.org/sco-kg/ontology#Country> }"
    driver.get(f"{server_url}/?query={quote(query)}&endpoint={quote(server_url + '/sparql')}")
    wait(driver, lambda d: css(d, ".tabPanel.active .yasqe_queryButton"))
    assert driver.execute_script("return window.scoKgYasgui.getTab().getQuery()") == query
    css(driver, ".tabPanel.active .yasqe_queryButton")[0].click()
    wait(driver, lambda d: len(css(d, ".tabPanel.active .yasr table tbody tr")) == 13)
    assert problems(driver) == []
