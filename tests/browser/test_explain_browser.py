"""The "why?" of an inferred statement in a real headless browser: from the entity page's
inferred statements to the proof page, which shows the rule in words and the sentence it
follows from with its names marked, links to the proof as JSON and Turtle, and keeps to
the Content-Security-Policy (no inline script or style, nothing from another host)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sco_kg.pipeline.rules import RULE_WORDS
from sco_kg.web.security_headers import CSP

from test_browser import css, only_this_host, problems, shot, wait

KG = "https://w3id.org/sco-kg/id/"
MEETING = KG + "event-defence-ministers-meeting-patriot-park"
ATTENDEE = "https://schema.org/attendee"
SHOIGU = KG + "sergei-shoigu"

#: in the page, after load: (status, content type, body) of a GET of arguments[0] on this host
FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {headers: {Accept: arguments[1]}})
  .then(r => r.text().then(body => done([r.status, r.headers.get('Content-Type'),
                                        r.headers.get('Content-Security-Policy'), body])))
  .catch(e => done([0, '', '', String(e)]));
"""


def _is_the_meetings_attendee(href: str) -> bool:
    q = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    return (q.get("s") == f"<{MEETING}>" and q.get("p") == f"<{ATTENDEE}>"
            and q.get("o") == f"<{SHOIGU}>")


def _fetch(driver, href: str, accept: str):
    driver.set_script_timeout(20)
    return driver.execute_async_script(FETCH, href, accept)


def test_why_leads_from_an_inferred_statement_to_its_proof(driver, server_url):
    driver.get(server_url + "/id/event-defence-ministers-meeting-patriot-park.html")
    wait(driver, lambda d: css(d, "details.inferred > summary"))
    why = [a for a in css(driver, "details.inferred a.why") if _is_the_meetings_attendee(a.get_attribute("href"))]
    assert len(why) == 1, [a.get_attribute("href") for a in css(driver, "a.why")]
    assert not why[0].is_displayed()  # inside the closed <details>
    css(driver, "details.inferred > summary")[0].click()
    wait(driver, lambda d: why[0].is_displayed())
    shot(driver, "meeting-inferred-open")
    assert problems(driver) == []
    why[0].click()
    wait(driver, lambda d: urlsplit(d.current_url).path == "/explain" and css(d, "ul.proof"))
    shot(driver, "explain-meeting-attendee")

    # the rule and its words, visible
    rule = css(driver, "ul.proof > li.step > p.because a.rule code")
    assert rule and rule[0].is_displayed() and rule[0].text == "prp-spo1"
    because = css(driver, "ul.proof > li.step > p.because")[0]
    assert because.is_displayed() and RULE_WORDS["prp-spo1"] in because.text
    # the sentence it follows from, in French, with the names it is about marked
    quotes = [q for q in css(driver, "ul.proof blockquote.quote") if "présidée par" in q.text]
    assert quotes and quotes[0].is_displayed() and quotes[0].get_attribute("lang") == "fr"
    marks = [m for m in quotes[0].find_elements("css selector", "mark") if m.is_displayed()]
    assert marks, quotes[0].get_attribute("innerHTML")

    # the same proof as JSON and as Turtle, fetched by the page (connect-src 'self')
    links = {a.text: a.get_attribute("href") for a in css(driver, "p.alternates a[type]")}
    status, media, _csp, body = _fetch(driver, links["JSON"], "*/*")
    assert status == 200 and media.startswith("application/json"), (status, media, body[:300])
    assert '"prp-spo1"' in body and "présidée par" in body
    status, media, _csp, body = _fetch(driver, links["Turtle"], "*/*")
    assert status == 200 and media.startswith("text/turtle"), (status, media, body[:300])
    assert "prp-spo1" in body and "présidée par" in body

    # the page's own policy, and nothing in it that the policy exists to forbid
    status, media, csp, _body = _fetch(driver, driver.current_url, "text/html")
    assert status == 200 and media.startswith("text/html") and csp == CSP
    inline = "script:not([src]), style, [style], [onclick], [onload], [onerror], a[href^='javascript:']"
    assert [e.get_attribute("outerHTML")[:200] for e in css(driver, inline)] == []
    assert only_this_host(driver, server_url) == []
    assert problems(driver) == []

    # following the Turtle link opens it as text (a document with no <link rel=icon>, for
    # which chromium asks /favicon.ico, which this app does not serve)
    css(driver, "p.alternates a[type='text/turtle']")[0].click()
    wait(driver, lambda d: "format=ttl" in d.current_url)
    assert "prp-spo1" in driver.find_element("css selector", "body").text
    assert [p for p in problems(driver) if "/favicon.ico " not in p] == []


def test_why_on_the_incoming_side_of_the_attendee(driver, server_url):
    driver.get(server_url + "/id/sergei-shoigu.html")
    wait(driver, lambda d: css(d, "details.inferred > summary"))
    css(driver, "details.inferred > summary")[0].click()
    why = [a for a in css(driver, "details.inferred a.why") if _is_the_meetings_attendee(a.get_attribute("href"))]
    assert len(why) == 1
    wait(driver, lambda d: why[0].is_displayed())
    why[0].click()
    wait(driver, lambda d: css(d, "ul.proof a.rule code"))
    assert css(driver, "ul.proof a.rule code")[0].text == "prp-spo1"
    assert problems(driver) == []
