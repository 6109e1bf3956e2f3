"""The widget in a real headless Chromium (Debian's, driven by Playwright) against the real
servers: a conversation, keyboard use, Quick exit, injection, the crisis panel, axe-core,
reflow at 320px, and screenshots.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page

from cradle.launcher import Stack
from cradle.paths import PROJECT_ROOT
from tests.integration.test_safety_holes import LEAMINGTON_DAD, SIGNS_RULED_OUT

pytestmark = pytest.mark.integration


AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("CRADLE_SCREENSHOT_DIR", PROJECT_ROOT / "var" / "screenshots"))


@pytest.fixture()
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"{stack.config.web_url}/")
    yield page
    context.close()


# The widget's chat API: Rasa's web chat channel, on another port than the page.
CHAT = "**/webhooks/web_chat/webhook"


def cors(stack: Stack) -> dict[str, str]:
    """The headers the real channel sends the page, for a stand-in reply to be readable."""
    return {
        "Access-Control-Allow-Origin": stack.config.web_url,
        "Access-Control-Allow-Credentials": "true",
    }


def open_widget(page: Page) -> None:
    page.get_by_role("button", name="Chat with Cradle").click()
    page.get_by_label("Your message").wait_for()


def bot_count(page: Page) -> int:
    return page.locator(".cradle-bot").count()


def wait_for_reply(page: Page, before: int) -> None:
    # A locator wait, not wait_for_function: the page's CSP rightly forbids eval.
    page.locator(".cradle-bot").nth(before).wait_for()
    page.locator(".cradle-typing").wait_for(state="hidden")


def ask(page: Page, text: str) -> None:
    before = bot_count(page)
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    wait_for_reply(page, before)


def test_topic_answer_then_service_cards_after_an_area(page):
    open_widget(page)
    ask(page, "i feel so low since the baby came")
    assert "Feeling low or down" in page.locator(".cradle-bot").first.inner_text()
    before = bot_count(page)
    page.get_by_role("button", name="Find support near me").click()
    wait_for_reply(page, before)
    before = bot_count(page)
    page.get_by_role("button", name="Rugby").click()
    wait_for_reply(page, before)
    cards = page.locator(".cradle-card")
    assert cards.count() >= 3
    # Each card says what its mark really is; the sample catalogue never shows a kite-mark badge.
    assert cards.first.locator(".cradle-listing").inner_text() == (
        "Listed by Cradle from public information. Not yet checked by a quality scheme."
    )
    assert page.locator(".cradle-card .cradle-badge").count() == 0
    save_screenshot(page, "widget-service-card.png")
    assert page.locator(".cradle-card a[href^='tel:']").count() >= 1


def test_keyboard_only(page):
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Chat with Cradle":
            break
    assert page.evaluate("document.activeElement.textContent") == "Chat with Cradle"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "cradle-input"
    before = bot_count(page)
    page.keyboard.type("what can you do")
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert "I can tell you about" in page.locator(".cradle-bot").last.inner_text()


@pytest.mark.parametrize("how", ["button", "escape twice"])
def test_quick_exit_clears_the_chat_and_leaves(page, stack, how):
    page.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><p>Weather</p>"
        ),
    )
    open_widget(page)
    ask(page, "hello")
    assert page.evaluate("sessionStorage.getItem('cradle-chat')")
    if how == "button":
        page.get_by_role("button", name="Quick exit").click()
    else:
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    page.wait_for_url("https://www.bbc.co.uk/weather")
    page.goto(f"{stack.config.web_url}/")
    assert page.evaluate("sessionStorage.getItem('cradle-chat')") is None
    assert page.locator(".cradle-bot, .cradle-user").count() == 0  # only the welcome is left


def test_an_empty_chat_opens_with_a_welcome_and_sends_nothing(browser, stack):
    # The fifth user test: the panel opened blank, with nothing to say what Cradle is.
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "webhooks" in r.url else None)
    page.goto(f"{stack.config.web_url}/")
    open_widget(page)
    welcome = page.locator(".cradle-bot-intro")
    assert welcome.is_visible()
    assert "automated" in welcome.inner_text() and "999" in welcome.inner_text()
    assert bot_count(page) == 0 and sent == []  # nothing goes to the server until they write
    save_screenshot(page, "widget-welcome-360.png")
    ask(page, "i feel so low")
    assert welcome.count() == 1  # it stays at the top of the conversation, once
    context.close()


def test_html_in_a_message_is_shown_as_text(page):
    open_widget(page)
    attack = "<img src=x onerror=alert(1)>"
    ask(page, attack)
    assert page.locator(".cradle-user").last.inner_text().endswith(attack)
    assert page.locator(".cradle-log img").count() == 0


def test_the_crisis_panel_appears_for_a_crisis_message(page):
    open_widget(page)
    ask(page, "I just want to die")
    panel = page.locator(".cradle-crisis")
    assert panel.is_visible()
    assert panel.get_by_role("link", name="Call 999").get_attribute("href") == "tel:999"


def panel_links(page: Page) -> list[tuple[str, str | None]]:
    links = page.locator(".cradle-crisis a")
    return [(a.inner_text(), a.get_attribute("href")) for a in links.all()]


def test_after_abuse_help_the_crisis_panel_names_the_abuse_helplines_on_a_phone(phone_page):
    """The seventeenth user test's mum, whose partner checks her phone: the panel above the
    abuse reply offered Samaritans and Shout; now the numbers the reply gives."""
    page = phone_page
    ask(page, "my partner hits me")
    bot_says(page, "0808 2000 247")
    assert panel_links(page) == [
        ("Call 999", "tel:999"),
        ("Domestic Abuse Helpline 0808 2000 247 (free, 24/7)", "tel:08082000247"),
        ("Men's Advice Line 0808 8010 327", "tel:08088010327"),
    ]
    for link in page.locator(".cradle-crisis a").all():
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 360
    save_screenshot(page, "widget-crisis-panel-abuse-360.png")


ABUSE_FIRST = "my partner keeps all the money and checks my phone every night"


@pytest.mark.parametrize(
    ("first", "said", "says", "shot"),
    [
        # The seventeenth user test's mum: will he see her call in the call log?
        (
            ABUSE_FIRST,
            "he checks my call log tho. if i ring that number will he see it?",
            "recent calls",
            "abuse-call-seen",
        ),
        # The same mum: is it abuse if he doesn't hit her? (the eighteenth's: "does that count?")
        (
            ABUSE_FIRST,
            "but is it actually abuse if he doesnt hit me? i dont want to make a fuss",
            "Yes, it can be abuse",
            "is-it-abuse",
        ),
        (
            ABUSE_FIRST,
            "im not ready to leave him",
            "You don't have to leave to get help",
            "not-ready-to-leave",
        ),
        # The eighteenth user test's Rugby dad: "how do I stop?" got "Put your baby down...
        # cot" again (forty-seventh session); now what to do about anger.
        (
            "lately ive been losing my temper with my toddler, shouting, slamming doors",
            "how do i actually stop tho. he throws his dinner on the floor and i just snap",
            "Wanting to stop is a strong first step",
            "anger-after-losing-control",
        ),
    ],
)
def test_a_question_later_in_a_crisis_conversation_is_answered_in_view_on_a_phone(
    phone_page, first, said, says, shot
):
    """After crisis help and "I'm safe for now", a question gets its own answer, not the crisis
    reply or "are you in danger?" again: wholly in view with the crisis panel, Send on screen."""
    page = phone_page
    ask(page, first)
    before = bot_count(page)
    page.get_by_role("button", name="I'm safe for now").click()
    wait_for_reply(page, before)
    start = bot_count(page)
    ask(page, said)
    answer = bot_says(page, says)
    assert page.locator(".cradle-bot").all_inner_texts()[start:] == [answer.inner_text()]
    assert page.locator(".cradle-crisis").is_visible()
    assert page.get_by_role("button", name="Send").is_visible()
    save_screenshot(page, f"widget-{shot}-360.png")
    assert_whole_in_the_log(page, (answer,), 360)


def test_yes_it_can_be_abuse_after_the_crisis_text_is_in_view_on_a_phone(phone_page):
    """The eighteenth user test's mum asks whether it is real abuse: the abuse reply, then the
    answer to her question, both wholly in view with the crisis panel."""
    page = phone_page
    ask(
        page,
        "my husband decides who i see and tracks my phone. is that real abuse or am i overreacting",
    )
    line = bot_says(page, "You asked if it counts")
    crisis = bot_says(page, "It is not your fault")
    save_screenshot(page, "widget-abuse-counts-360.png")
    assert_whole_in_the_log(page, (crisis, line), 360)


def test_the_losing_control_reply_speaks_of_a_child_of_any_age_in_view_on_a_phone(phone_page):
    """Three user tests' parents of toddlers read "Put your baby down... like their cot" as not
    for them (forty-seventh session): "your child", "Never shake a baby" kept, wholly in view
    with "Are you safe right now?"."""
    page = phone_page
    ask(page, "lately ive been losing my temper with my toddler, shouting, slamming doors")
    reply = bot_says(page, "Make sure your child is somewhere safe")
    assert "Never shake a baby" in reply.inner_text() and "999" in reply.inner_text()
    question = bot_says(page, "Are you safe right now?")
    save_screenshot(page, "widget-losing-control-360.png")
    assert_whole_in_the_log(page, (reply, question), 360)
    # Calmer after it: no "If help hasn't come", as no help was called (docs/safety.md,
    # fifty-first session).
    ask(page, "I feel calmer")
    calmer = bot_says(page, "If it builds up again")
    assert "help hasn't come" not in calmer.inner_text() and "999" in calmer.inner_text()
    save_screenshot(page, "widget-calmer-after-losing-control-360.png")
    assert_whole_in_the_log(page, (calmer,), 360)


def test_a_sign_ruled_out_after_someone_elses_emergency_is_in_view_on_a_phone(phone_page):
    """The nineteenth user test's Leamington dad ruled out the signs the reply for someone
    else's emergency named, and was told to call 999 again (forty-eighth session): when 999 is
    not needed, and when it still is, wholly in view with its two buttons."""
    page = phone_page
    ask(page, LEAMINGTON_DAD)
    bot_says(page, "Are you safe yourself right now?")
    before = bot_count(page)
    page.get_by_role("group", name="Suggested replies").last.get_by_role(
        "button", name="I'm safe"
    ).first.click()
    wait_for_reply(page, before)
    ask(page, SIGNS_RULED_OUT)
    answer = bot_says(page, "Thank you for checking")
    assert "you don't need to call 999 now" in answer.inner_text()
    suggested = page.get_by_role("group", name="Suggested replies").last
    assert suggested.get_by_role("button", name="How can I help them?").is_visible()
    save_screenshot(page, "widget-signs-ruled-out-360.png")
    assert_whole_in_the_log(page, (answer,), 360)


def test_no_parenting_course_is_said_before_the_list_on_a_phone(phone_page):
    """The nineteenth user test's mum asked for a parenting course and got a list with none in
    it, and no word (forty-seventh session): the line comes first, in view on a 360px phone."""
    page = phone_page
    ask(page, "is there like a parenting course or group near me? im in stratford")
    line = bot_says(page, "I don't have parenting courses in my list yet")
    page.locator(".cradle-card").first.wait_for()
    # The service the line names is the first card (README, fiftieth session).
    assert "Family Information Service" in page.locator(".cradle-card").first.inner_text()
    save_screenshot(page, "widget-parenting-course-none-360.png")
    assert_whole_in_the_log(page, (line,), 360)
    # "whats their number" is about the service the line named (README, fifty-first session).
    ask(page, "whats their number")
    answer = bot_says(page, "I don't have a phone number for it")
    assert "Family Information Service" in answer.inner_text()
    save_screenshot(page, "widget-their-number-360.png")
    assert_whole_in_the_log(page, (answer,), 360)


def test_no_money_advice_is_said_before_the_list_on_a_phone(phone_page):
    """The twenty-first user test's dad asked for debt or benefits advice and got mental-health
    cards with no word (fiftieth session): the line comes first, in view on a 360px phone."""
    page = phone_page
    ask(page, "is there any debt advice or benefits help near rugby")
    line = bot_says(page, "I don't have money or debt advice in my list yet")
    assert "citizensadvice.org.uk" in line.inner_text()
    page.locator(".cradle-card").first.wait_for()
    save_screenshot(page, "widget-money-advice-none-360.png")
    assert_whole_in_the_log(page, (line,), 360)


def test_advice_today_after_no_to_the_danger_question_is_in_view_on_a_phone(phone_page):
    """After "No" to "Are you or your baby in danger right now?" on an emergency leaning: advice
    today from 111, the GP, midwife or health visitor (the eighteenth user test's dad of a
    15-month-old was sent to "your midwife"), wholly in view with the crisis panel."""
    page = phone_page
    ask(page, "I'm going to kill myself tonight")
    bot_says(page, "999")
    ask(
        page,
        "what?? i dont have a baby yet im like 5 weeks pregnant. why are you telling me to ring"
        " 999 im scared now. i just meant the wine",
    )
    bot_says(page, "Are you or your baby in danger right now?")
    choose(page, "No")
    answer = bot_says(page, "needs advice today")
    assert "midwife or health visitor" in answer.inner_text()
    save_screenshot(page, "widget-advice-today-360.png")
    assert_whole_in_the_log(page, (answer,), 360)


def test_should_i_ring_999_and_the_danger_question_are_in_view_on_a_phone(phone_page):
    """ "Should I ring 999?" gets when to call 999 or NHS 111, then "Are you or your baby in danger
    right now?" with its buttons, wholly in view (docs/safety.md, fifty-second session)."""
    page = phone_page
    first = bot_count(page)
    ask(page, "should i be ringing 999")
    question = bot_says(page, "Are you or your baby in danger right now?")
    when = page.locator(".cradle-bot").nth(first)
    assert "life is at risk" in when.inner_text()
    buttons = page.get_by_role("group", name="Suggested replies").last
    save_screenshot(page, "widget-should-i-ring-999-360.png")
    assert_whole_in_the_log(page, (when, question, buttons), 360)


def test_a_babys_temperature_and_the_danger_question_are_in_view_on_a_phone(phone_page):
    """A baby's temperature with "should I call 111 or 999?" gets the NHS's thresholds and red
    flags, then the danger question with its buttons, wholly in view (docs/safety.md,
    fifty-third session)."""
    page = phone_page
    first = bot_count(page)
    ask(page, "my baby has a temperature i think. 7 weeks old. should i call 111 or 999")
    question = bot_says(page, "Are you or your baby in danger right now?")
    fever = page.locator(".cradle-bot").nth(first)
    assert "38C" in fever.inner_text() and "NHS 111" in fever.inner_text()
    buttons = page.get_by_role("group", name="Suggested replies").last
    save_screenshot(page, "widget-baby-temperature-360.png")
    assert_whole_in_the_log(page, (fever, question, buttons), 360)


def test_what_the_listed_services_cost_is_in_view_on_a_phone(phone_page):
    """ "Do any of them cost anything?" under a list gets each service's recorded cost, not the
    list again, wholly in view (README, fifty-third session)."""
    page = phone_page
    ask(page, "whats there for dads near me? im in nuneaton")
    first = bot_count(page)
    ask(page, "do any of them cost anything? money is already tight")
    said = page.locator(".cradle-bot").nth(first)
    assert "Free: CALM helpline" in said.inner_text()
    assert page.locator(".cradle-bot").nth(first).locator(".cradle-card").count() == 0
    save_screenshot(page, "widget-what-they-cost-360.png")
    assert_whole_in_the_log(page, (said,), 360)


def test_when_the_listed_services_are_open_is_in_view_on_a_phone(phone_page):
    """ "Are any of them open now?" under a list gets each service's opening as its card shows
    it, not the list again, wholly in view (README, fifty-seventh session)."""
    page = phone_page
    ask(page, "whats there for dads near me? im in nuneaton")
    first = bot_count(page)
    ask(page, "are any of them open now?")
    said = [page.locator(".cradle-bot").nth(i) for i in range(first, bot_count(page))]
    opening = ("Open day and night:", "Open now:", "Not open now:", "I don't have opening times")
    assert said and any(line in said[0].inner_text() for line in opening)
    assert all(bubble.locator(".cradle-card").count() == 0 for bubble in said)
    save_screenshot(page, "widget-when-they-are-open-360.png")
    assert_whole_in_the_log(page, tuple(said), 360)


def test_a_hello_with_the_babys_age_is_welcomed_in_view_on_a_phone(phone_page):
    """ "hi. sorry its late. i have a 5 week old" gets who Cradle is and "What's on your mind?"
    with the topic buttons, not "Sorry, I can't help with that" (README, fifty-fourth
    session)."""
    page = phone_page
    ask(page, "hi. sorry its late. i have a 5 week old")
    said = bot_says(page, "What's on your mind?")
    assert "can't help with that" not in page.locator(".cradle-log").inner_text()
    buttons = page.get_by_role("group", name="Suggested replies").last
    save_screenshot(page, "widget-hello-baby-age-360.png")
    assert_whole_in_the_log(page, (said, buttons), 360)


def test_own_suicidal_thoughts_in_the_past_are_said_back_in_view_on_a_phone(phone_page):
    """Thoughts of suicide in the past are said back before the rest of the reply, wholly in
    view (docs/safety.md, fifty-second session)."""
    page = phone_page
    ask(page, "i used to feel suicidal years ago, im fine now")
    said = bot_says(page, "worth talking about")
    assert "116 123" in said.inner_text()
    save_screenshot(page, "widget-thoughts-passed-360.png")
    assert_whole_in_the_log(page, (said,), 360)


def test_what_if_the_thoughts_come_back_is_answered_in_view_on_a_phone(phone_page):
    """After crisis help for her own thoughts and "I'm safe for now", "what if the thoughts come
    back later tonight" gets its own line, wholly in view, not the scary-thoughts answer about
    the baby (docs/safety.md, fifty-third session)."""
    page = phone_page
    ask(page, "earlier tonight i had some really dark thoughts, like not wanting to be here")
    bot_says(page, "Are you safe right now?")
    choose(page, "I'm safe for now")
    ask(page, "what if the thoughts come back later tonight")
    line = bot_says(page, "you don't have to wait")
    assert "116 123" in line.inner_text() and "baby" not in line.inner_text()
    save_screenshot(page, "widget-if-thoughts-come-back-360.png")
    assert_whole_in_the_log(page, (line,), 360)


def test_a_hostile_crisis_link_in_a_reply_gets_the_widgets_own_numbers(page, stack):
    reply = {
        "messages": [{"text": "Call 999 now."}],
        "contract": {
            "safety": "emergency",
            "crisis_lines": [{"label": "Call us", "href": "javascript:alert(1)"}],
        },
    }
    page.route(CHAT, lambda route: route.fulfill(json=reply, headers=cors(stack)))
    open_widget(page)
    ask(page, "hello")
    assert panel_links(page) == [
        ("Call 999", "tel:999"),
        ("Samaritans 116 123 (free, 24/7)", "tel:116123"),
        ("Text SHOUT to 85258", "sms:85258"),
    ]


def test_no_serious_or_critical_accessibility_violations(browser, stack):
    context = browser.new_context(bypass_csp=True)  # to inject the local axe-core only
    page = context.new_page()
    page.goto(f"{stack.config.web_url}/")
    open_widget(page)
    ask(page, "i feel so low since the baby came")
    ask(page, "I want to die")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "axe.run().then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
    )
    context.close()
    assert violations == []


@pytest.mark.parametrize(
    ("name", "width", "height"), [("desktop", 1280, 800), ("phone", 360, 740), ("narrow", 320, 640)]
)
def test_layout_reflows_and_screenshots(browser, stack, name, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{stack.config.web_url}/")
    open_widget(page)
    ask(page, "i feel so low since the baby came")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    save_screenshot(page, f"widget-{name}.png")
    context.close()


@pytest.mark.parametrize(
    "failure",
    ["rate-limited", "network-down"],
)
def test_a_refused_or_failed_request_still_shows_the_crisis_numbers(page, stack, failure):
    # The server's own 429 body is tested in tests/integration/test_safety_holes.py; here the
    # widget meets a bare 429 (a proxy's) and a dropped connection.
    if failure == "rate-limited":
        page.route(
            CHAT, lambda route: route.fulfill(status=429, body="slow down", headers=cors(stack))
        )
    else:
        page.route(CHAT, lambda route: route.abort())
    open_widget(page)
    ask(page, "hello")
    assert "116 123" in page.locator(".cradle-bot").last.inner_text()
    panel = page.locator(".cradle-crisis")
    assert panel.is_visible()
    assert panel.get_by_role("link", name="Call 999").get_attribute("href") == "tel:999"


def test_call_buttons_are_phone_links_not_messages(browser, stack):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{stack.config.web_url}/")
    reply = {
        "messages": [
            {
                "text": "Are you or your baby in danger right now?",
                "buttons": [
                    {"title": "Yes", "payload": "/crisis_help"},
                    {"title": "No", "payload": "/deny"},
                    {"title": "Call 999", "payload": "tel:999"},
                    {"title": "Call 111", "payload": "tel:111"},
                ],
            }
        ],
        "contract": {"safety": "none"},
    }
    page.route(CHAT, lambda route: route.fulfill(json=reply, headers=cors(stack)))
    open_widget(page)
    ask(page, "everything feels grey")
    quick = page.get_by_role("group", name="Suggested replies").last
    assert quick.get_by_role("button", name="Yes").is_visible()
    assert quick.get_by_role("link", name="Call 111").get_attribute("href") == "tel:111"
    box = quick.get_by_role("link", name="Call 999").bounding_box()
    assert box is not None and box["height"] >= 44
    assert box["x"] + box["width"] <= 360  # on a 360px phone, no sideways scrolling
    save_screenshot(page, "widget-safety-check-360.png")
    context.close()


def test_a_card_points_to_opening_times_only_where_the_card_can(page, stack):
    # The fifth user test: a group with no website said "Check opening times on the website".
    def card(name: str, **contact: object) -> dict:
        return {"name": name, "description": "A group.", "opening": {}, **contact}

    cards = [
        card("With a website", url="https://example.org/"),
        card("With a phone", phones=[{"number": "01926 000000", "type": "voice"}]),
        card("With neither"),
    ]
    reply = {
        "messages": [{"text": "These can help."}],
        "contract": {"safety": "none", "cards": cards, "cards_after": 1},
    }
    page.route(CHAT, lambda route: route.fulfill(json=reply, headers=cors(stack)))
    open_widget(page)
    ask(page, "groups near me")
    shown = page.locator(".cradle-card")
    assert shown.nth(0).locator(".cradle-open-now").inner_text() == (
        "Check opening times on the website"
    )
    assert shown.nth(1).locator(".cradle-open-now").inner_text() == "Call to check opening times"
    assert shown.nth(2).locator(".cradle-open-now").count() == 0
    assert "website" not in shown.nth(2).inner_text().lower()


@pytest.mark.parametrize("how", ["quick-exit", "clear-chat"])
def test_leaving_ends_the_server_session_too(page, stack, how):
    page.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Weather</p>"),
    )
    open_widget(page)
    ask(page, "I just want to die")
    before = {c["name"]: c["value"] for c in page.context.cookies()}
    assert "cradle_session" in before
    if how == "quick-exit":
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        page.wait_for_url("https://www.bbc.co.uk/weather")
        page.goto(f"{stack.config.web_url}/")
        open_widget(page)
    else:
        with page.expect_response(f"{CHAT}/end"):
            page.get_by_role("button", name="Clear chat").click()
    ask(page, "I feel a bit low")
    replies = " ".join(page.locator(".cradle-bot").all_inner_texts())
    assert "what you told me earlier" not in replies  # the disclosure is forgotten
    after = {c["name"]: c["value"] for c in page.context.cookies()}
    assert after.get("cradle_session") != before["cradle_session"]  # a new session
    # ...and the old conversation was restarted in Rasa: its safety flag is gone.
    tracker = stack.tracker("web-" + before["cradle_session"].split(".", 1)[0])
    assert tracker["slots"]["safety_tier"] is None
    assert any(e["event"] == "restart" for e in tracker["events"])


@pytest.fixture
def phone_page(browser, stack):
    """A 360x740 phone with the widget open: the phone-view tests' common start."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{stack.config.web_url}/")
    open_widget(page)
    yield page
    context.close()


@pytest.mark.parametrize(
    ("message", "expected", "name"),
    [
        ("who sees my messages", "deleted after 30 days", "privacy"),
        ("menu", "can't give medical advice", "menu"),
        # The sixteenth user test's health visitor (forty-fifth session).
        ("Do you replace the health visitor or the GP?", "I don't replace", "about-replace"),
        ("does this chat tell anyone what i write?", "No one is told", "about-crisis-decisions"),
        # The seventeenth user test's commissioner.
        ("does Cradle work by text message too?", "No number to text", "about-by-text"),
        (
            "what's in the counts you keep, could the council see them?",
            "never what anyone typed",
            "about-counts",
        ),
        # The sixteenth user test's non-birth mum.
        (
            "the 'for dads and partners' button, is that meant for me? i'm not a dad lol",
            "non-birth mums",
            "about-partners-section",
        ),
        # The seventeenth's "does that count as anything? he's never hit me".
        ("/ask_domestic_abuse", "Controlling your money or phone", "domestic-abuse-first"),
        # The twenty-fifth user test's mum, eight months pregnant (fifty-sixth session).
        ("8 months pregnant and exhausted all the time", "Rest when you can", "tired-pregnant"),
        # A service asked about by name with no list before it (README, "What is CALM?").
        ("what is CALM", "CALM helpline: call the number", "service-by-name"),
        # Another name it goes by (README, "Other names a service goes by", fifty-eighth session).
        ("is the perinatal team free", "Perinatal mental health team", "service-by-other-name"),
        # Who it is for (README, "Is CALM ok for dads?", fifty-eighth session).
        ("is CALM ok for dads", "CALM helpline", "service-who-for"),
        # One that is for them instead (README, "Can men call the National Domestic Abuse
        # Helpline?", fifty-ninth session).
        (
            "can men call the national domestic abuse helpline",
            "Men's Advice Line",
            "service-who-for-instead",
        ),
    ],
)
def test_short_answers_about_cradle_fit_a_phone_screen(phone_page, message, expected, name):
    """The privacy, menu and short about-Cradle replies, and a topic's first answer, read on a
    360x740 phone: all of it in view at once."""
    page = phone_page
    ask(page, message)
    reply = page.locator(".cradle-bot").last
    assert expected in reply.inner_text()
    save_screenshot(page, f"widget-{name}-360.png")
    assert_whole_in_the_log(page, (reply,), 360)


@pytest.mark.parametrize(
    ("question", "first", "then", "name"),
    [
        (
            "Who decides what goes on the list and how often is it updated?",
            "more than 12 months ago",
            "quality scheme",
            "about-listing",
        ),
        (
            "Who is the data controller for the chats? Is there a privacy notice?",
            "no data controller is named",
            "Was this helpful?",
            "about-data-controller",
        ),
    ],
)
def test_a_question_about_cradle_gets_its_own_short_answer_on_a_phone(
    phone_page, question, first, then, name
):
    """The fifteenth user test's council officer's two questions, on a 360x740 phone: the answer
    to what was asked and the one line that goes with it, both in view at once."""
    page = phone_page
    ask(page, question)
    answer = bot_says(page, first)
    line = bot_says(page, then)
    save_screenshot(page, f"widget-{name}-360.png")
    assert_whole_in_the_log(page, (answer, line), 360)


def test_its_not_me_after_the_abuse_reply_is_in_view_on_a_phone(phone_page):
    """The eleventh user test's friend of a controlled mum, on a 360x740 phone: after "its not
    me, its my friend", the help for a friend and "Are you safe yourself right now?" are in view,
    with the crisis panel still there."""
    page = phone_page
    ask(page, "my friends partner controls everything since the baby, he has her bank card")
    ask(page, "its not me, its my friend. im fine.")
    bot_says(page, "Thank you for looking out for them")
    question = bot_says(page, "Are you safe yourself right now?")
    assert page.locator(".cradle-crisis").is_visible()
    save_screenshot(page, "widget-not-me-abuse-360.png")
    assert_whole_in_the_log(page, (question,), 360)


@pytest.mark.parametrize(
    ("crisis", "says", "name"),
    [
        ("I'm going to kill myself tonight", "Samaritans", "reminder-privacy"),
        # After abuse help, its own helplines (the seventeenth user test).
        ("my partner hits me", "0808 2000 247", "reminder-abuse-privacy"),
    ],
)
def test_the_reminder_before_a_reply_after_crisis_help_is_in_view_on_a_phone(
    phone_page, crisis, says, name
):
    """A parent who has not said they are safe asks who sees her messages, on a 360x740 phone:
    the reminder of where help is and the privacy answer are both in view (the twelfth user
    test's mum got the privacy answer with no numbers)."""
    page = phone_page
    ask(page, crisis)
    ask(page, "how do i get my baby to sleep")
    ask(page, "who sees my messages")
    answer = bot_says(page, "deleted after 30 days")
    bubbles = page.locator(".cradle-bot")
    texts = bubbles.all_inner_texts()
    assert texts[-1] == answer.inner_text()
    assert "Before we go on" in texts[-2]  # the bubble just before the answer
    assert says in texts[-2]
    reminder = bubbles.nth(len(texts) - 2)
    save_screenshot(page, f"widget-{name}-360.png")
    assert_whole_in_the_log(page, (reminder, answer), 360)


def test_the_fear_of_the_baby_being_taken_after_crisis_help_is_in_view_on_a_phone(phone_page):
    """The twelfth user test's mum, on a 360x740 phone: "they'll take her off me" after crisis
    help gets the line on that fear and the held reply with 999, both in view."""
    page = phone_page
    ask(page, "I'm going to kill myself tonight")
    ask(page, "i dont want to ring 999 they'll take her off me")
    fear = bot_says(page, "Lots of parents are scared of that")
    held = page.locator(".cradle-bot").last
    assert "999" in held.inner_text() and held.inner_text() != fear.inner_text()
    save_screenshot(page, "widget-fear-taken-360.png")
    assert_whole_in_the_log(page, (fear, held), 360)


def test_how_can_i_help_them_is_in_view_on_a_phone(phone_page):
    """A husband whose wife said she wants to die, safe himself, on a 360x740 phone: "How can
    I help them?" gives the answer on asking about suicide, wholly in view with its buttons."""
    page = phone_page
    ask(page, "my wife said she wants to die")
    ask(page, "yes im safe")
    page.get_by_role("button", name="How can I help them?").click()
    answer = bot_says(page, "Asking someone about suicide")
    more = page.get_by_role("button", name="Tell me more").last
    save_screenshot(page, "widget-help-them-360.png")
    assert_whole_in_the_log(page, (answer, more), 360)


@pytest.mark.parametrize(
    ("said", "starts", "shot"),
    [
        # The twelfth user test's mum, not safe, asks Cradle to stay.
        ("can you stay talking to me while i do", "I'm here, and I'll answer", "stay-with-me"),
        # The thirteenth's, on hold to 111, then told the crisis team is coming.
        ("its ringing. im on hold", "You've done the right thing", "calling"),
        ("is it ok to just wait for them now", "That's good: help is coming", "help-coming"),
    ],
)
def test_the_reply_to_staying_calling_or_help_coming_is_in_view_with_the_crisis_panel(
    phone_page, said, starts, shot
):
    """On a 360x740 phone, while not safe: the reply, with 999, is wholly in view, and the
    crisis panel is still there."""
    page = phone_page
    heard_in_view(page, "I'm going to kill myself tonight", said, starts, shot)
    assert page.locator(".cradle-crisis").is_visible()


def heard_in_view(page: Page, first: str, said: str, starts: str, shot: str) -> Locator:
    """After crisis help for `first`, the reply to `said` (starting `starts`) shows 999 and is
    wholly in view on the phone; its screenshot is saved as widget-`shot`-360.png."""
    ask(page, first)
    ask(page, said)
    reply = bot_says(page, starts)
    assert "999" in reply.inner_text()
    save_screenshot(page, f"widget-{shot}-360.png")
    assert_whole_in_the_log(page, (reply,), 360)
    return reply


@pytest.mark.parametrize(
    ("said", "starts", "shot"),
    [
        (
            "the ambulance is on its way what do i do while we wait",
            "I'm glad help is coming",
            "help-on-the-way",
        ),
        ("on the phone to 999 now", "You've done the right thing by calling", "calling-medical"),
        # docs/safety.md, fifty-fourth session: the line for illness, not the mental health
        # option.
        (
            "should i ring 999 or 111? i dont know which",
            "Call 999 if your baby",
            "999-or-111-medical",
        ),
    ],
)
def test_help_on_its_way_or_calling_typed_after_a_babys_emergency_is_heard_in_view(
    phone_page, said, starts, shot
):
    """On a 360x740 phone, after a baby's medical emergency: "the ambulance is on its way"
    typed is the "Help is on the way" button, and "on the phone to 999" gets the reply for a
    medical call; each reply, with 999, is wholly in view."""
    first = "my baby isnt breathing properly hes gone a bit blue"
    reply = heard_in_view(phone_page, first, said, starts, shot)
    assert "If you haven't yet" not in reply.inner_text()


def test_how_can_i_help_them_after_a_friends_abuse_is_in_view_on_a_phone(phone_page):
    """A grandmother whose daughter's boyfriend hits her, safe herself, on a 360x740 phone:
    "How can I help them?" gives the part for family and friends, wholly in view from its
    start; with the crisis panel still shown, its buttons are one scroll below it."""
    page = phone_page
    ask(page, "im a nan, my daughters boyfriend hits her and she has a 6 month old")
    ask(page, "im safe")
    page.get_by_role("button", name="How can I help them?").click()
    part = bot_says(page, "For family and friends")
    near = page.get_by_role("button", name="Find support near me").last
    save_screenshot(page, "widget-help-them-abuse-360.png")
    assert_whole_in_the_log(page, (part,), 360)
    near.scroll_into_view_if_needed()
    assert_whole_in_the_log(page, (near,), 360)


def test_someone_elses_emergency_reply_is_in_view_on_a_phone(phone_page):
    """A partner describing postpartum psychosis, on a 360x740 phone: the reply about her is
    wholly in view with the crisis panel, and the message box is still on screen."""
    page = phone_page
    ask(page, "my wife hasnt slept in 4 days, she says the baby has been swapped")
    reply = bot_says(page, "postpartum psychosis")
    assert page.locator(".cradle-crisis").is_visible()
    save_screenshot(page, "widget-crisis-for-someone-else-360.png")
    assert_whole_in_the_log(page, (reply,), 360)
    assert on_screen(page.get_by_label("Your message"), 360, 740)


def test_the_follow_up_after_crisis_help_and_its_buttons_are_in_view_on_a_phone(phone_page):
    """After crisis help for someone else, "she won't go" on a 360x740 phone: the follow-up
    ("don't wait until morning") and its two buttons are in view, with the message box."""
    page = phone_page
    ask(page, "my wife hasnt slept in 4 days, she says the baby has been swapped")
    page.locator(".cradle-bot", has_text="postpartum psychosis").last.wait_for()
    ask(page, "she says shes fine and she wont go anywhere")
    reply = bot_says(page, "don't wait until morning")
    buttons = page.get_by_role("group", name="Suggested replies").last
    assert "Help is with them" in buttons.inner_text()
    save_screenshot(page, "widget-crisis-follow-up-360.png")
    assert_whole_in_the_log(page, (reply, buttons), 360)
    assert on_screen(page.get_by_label("Your message"), 360, 740)


def bot_says(page: Page, text: str) -> Locator:
    """The newest bot bubble with this text in it, once it has appeared."""
    bubble = page.locator(".cradle-bot", has_text=text).last
    bubble.wait_for()
    return bubble


def save_screenshot(page: Page, name: str) -> None:
    """Save what the phone shows now under var/screenshots (or CRADLE_SCREENSHOT_DIR)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def assert_whole_in_the_log(page: Page, parts: tuple[Locator, ...], width: int) -> None:
    """Each part, from its first line to its last, is in the chat log's view and no wider than
    the phone."""
    log = page.locator(".cradle-log").bounding_box()
    for part in parts:
        box = part.bounding_box()
        assert box is not None and log is not None
        assert box["y"] >= log["y"] - 1, "the start of the reply is in view"
        assert box["y"] + box["height"] <= log["y"] + log["height"] + 1, "and its end"
        assert box["x"] + box["width"] <= width


def test_a_topic_first_reply_and_its_buttons_fit_a_phone_screen(phone_page):
    """Issue 12: on a 360x740 phone the whole first reply and its buttons are in view."""
    page = phone_page
    first = bot_count(page)
    ask(page, "i feel so low since the baby came")
    title = page.locator(".cradle-bot").nth(first)
    reply = page.locator(".cradle-bot").last
    buttons = page.get_by_role("group", name="Suggested replies").last
    assert "Feeling low or down" in title.inner_text()
    save_screenshot(page, "widget-topic-first-reply-360.png")
    assert_whole_in_the_log(page, (title, reply, buttons), 360)
    assert buttons.get_by_role("button", name="Tell me more").is_visible()
    # More on request: the next part starts at the top of the view, not scrolled past.
    assert_starts_at_the_top(page, choose(page, "What can help today"))
    save_screenshot(page, "widget-topic-more-360.png")


@pytest.mark.parametrize(
    ("said", "title", "says", "shot"),
    [
        (
            "is this ocd?? i check the stair gate like 10 times before bed and i cant stop",
            "Is it OCD?",
            "common and treatable",
            "is-it-ocd",
        ),
        (
            "ive been really snappy with my missus. short tempered over nothing, then i feel "
            "like crap about it. is that a dad thing too",
            "Feeling snappy",
            "Say sorry when calm",
            "own-short-temper",
        ),
        (
            "just found out its twins and im terrified how will i cope",
            "Twins, triplets or more",
            "Twins Trust",
            "twins-or-more",
        ),
        # The sixth user test's mum; "not a reason", not "never" (the eighteenth user test).
        (
            "if i tell my hv will social services take him off me",
            "Scared your baby will be taken away",
            "not a reason for a baby to be taken into care",
            "fear-of-baby-taken",
        ),
        # The eighteenth user test's grandmother, her daughter home soon from a mother and baby
        # unit.
        (
            "my daughter is coming home from the mother and baby unit after postpartum psychosis."
            " what signs should i watch for",
            "Postpartum psychosis",
            "get help that day",
            "psychosis-signs",
        ),
        # The eighteenth user test's pregnant 19-year-old.
        (
            "can panic attacks actually hurt the baby?? ive been googling and freaking myself out",
            "Can worry harm the baby?",
            "very unlikely to harm your baby",
            "stress-harms-baby",
        ),
        # The fifteenth user test's mum, baby ten days in neonatal intensive care.
        (
            "i missed the first 10 days, i couldnt even hold her properly. have i missed the"
            " bonding window?",
            "After a hard start",
            "It's not too late",
            "bonding-after-a-hard-start",
        ),
        # The fifteenth user test's mum, 34 weeks pregnant and on sertraline.
        (
            "should i stop taking my sertraline before the baby comes?",
            "Your medicine and your baby",
            "Don't stop or change your medicine suddenly",
            "medicine-for-mental-health",
        ),
        # The fifteenth user test's night-shift dad, whose partner has postnatal depression.
        (
            "how do i help my partner with her pnd, i feel like everything i do is wrong",
            "Supporting your partner",
            "Listen without trying to fix it",
            "supporting-a-partner",
        ),
        # The fifteenth user test's mum, who had ruled abuse out.
        (
            "its nothing like that, hes not violent we just bicker and snap at each other",
            "Bickering since the baby",
            "Relate can help",
            "everyday-arguments",
        ),
        # The nineteenth and twentieth user tests' mums of toddlers (fiftieth session).
        (
            "my daughter is nearly 2 and has screaming tantrums every bedtime",
            "Toddler tantrums",
            "not your fault",
            "tantrums",
        ),
        # The twenty-ninth user test's pregnant mum, unwell after her first (fifty-ninth session).
        (
            "im 7 months pregnant with my second. after my first i was really low and nobody "
            "noticed. scared its going to happen again",
            "Unwell after a past baby",
            "about it now",
            "unwell-last-time",
        ),
    ],
)
def test_a_worrys_own_answer_and_its_buttons_fit_a_phone_screen(
    phone_page, said, title, says, shot
):
    """The fourteenth user test's mum and dad, on a 360x740 phone: the worry's own first answer
    and its buttons, all in view at once."""
    page = phone_page
    first = bot_count(page)
    ask(page, said)
    answer = page.locator(".cradle-bot").nth(first)
    buttons = page.get_by_role("group", name="Suggested replies").last
    assert title in answer.inner_text() and says in answer.inner_text()
    save_screenshot(page, f"widget-{shot}-360.png")
    assert_whole_in_the_log(page, (answer, buttons), 360)


def test_tell_me_more_after_referring_yourself_starts_with_how_in_view(phone_page):
    """The fourteenth user test's pregnant mum, on a 360x740 phone: "Tell me more" after
    "Referring yourself" gives "How to get help" (not "What this is"), its start in view."""
    page = phone_page
    ask(page, "do i have to see my gp first for therapy")
    page.locator(".cradle-bot", has_text="Referring yourself").last.wait_for()
    first_new = choose(page, "Tell me more")
    assert first_new.inner_text().endswith("How to get help")
    assert "Find an NHS talking therapies service" in page.locator(".cradle-log").inner_text()
    assert_starts_at_the_top(page, first_new)
    save_screenshot(page, "widget-refer-yourself-more-360.png")


# --- issue 12, point 4: widget fixes ---


def phone(browser: Browser, stack: Stack, width: int = 360, height: int = 740) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"{stack.config.web_url}/")
    return page


def choose(page: Page, title: str) -> Locator:
    """Press a quick reply in the newest set, wait for the answer, and return its first bubble."""
    before = bot_count(page)
    page.get_by_role("group", name="Suggested replies").last.get_by_role(
        "button", name=title, exact=True
    ).click()
    wait_for_reply(page, before)
    return page.locator(".cradle-bot").nth(before)


def assert_starts_at_the_top(page: Page, first: Locator) -> None:
    """A new reply's first bubble is at the top of the conversation's view, not scrolled past."""
    box, log = first.bounding_box(), page.locator(".cradle-log").bounding_box()
    assert box is not None and log is not None
    assert log["y"] - 1 <= box["y"] <= log["y"] + 40


def services_in_rugby(page: Page) -> int:
    """A topic, then services for Rugby; returns the index of the service reply's first bubble."""
    open_widget(page)
    ask(page, "i feel so low since the baby came")
    choose(page, "Find support near me")
    before = bot_count(page)
    choose(page, "Rugby")
    return before


def test_service_cards_come_before_the_feedback_question(browser, stack):
    page = phone(browser, stack)
    services_in_rugby(page)
    cards = page.locator(".cradle-cards").last.bounding_box()
    question = page.locator(".cradle-bot", has_text="Was this helpful?").last
    buttons = page.get_by_role("group", name="Suggested replies").last
    assert buttons.get_by_role("button", name="Yes").is_visible()
    for part in (question, buttons):
        box = part.bounding_box()
        assert cards is not None and box is not None
        assert cards["y"] + cards["height"] <= box["y"], "the cards come first"
    buttons.scroll_into_view_if_needed()
    save_screenshot(page, "widget-service-cards-360.png")
    page.context.close()


def test_services_shown_as_cards_are_not_listed_again_as_text(page):
    first = services_in_rugby(page)
    names = page.locator(".cradle-card h3").all_inner_texts()
    said = " ".join(page.locator(".cradle-bot").all_inner_texts()[first:])
    assert len(names) >= 3
    assert [name for name in names if name in said] == []


def test_after_a_quick_reply_focus_moves_to_the_start_of_the_answer(browser, stack):
    page = phone(browser, stack)
    open_widget(page)
    ask(page, "i feel so low since the baby came")
    before = bot_count(page)
    page.get_by_role("button", name="What can help today").focus()
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    answer = page.locator(".cradle-bot").nth(before)
    assert answer.locator("p").first.inner_text() == "What can help today"
    assert answer.get_attribute("tabindex") == "-1"  # focusable by script, not a tab stop
    focused = "n => document.activeElement === document.querySelectorAll('.cradle-bot')[n]"
    assert page.evaluate(focused, before), "a screen reader reads the answer from its start"
    save_screenshot(page, "widget-quick-reply-focus-360.png")
    page.keyboard.press("Tab")  # and the keyboard carries on from there, inside the answer
    assert page.evaluate("document.activeElement.closest('.cradle-log') !== null")
    page.context.close()


def test_used_quick_replies_do_not_come_back_after_a_reload(page):
    open_widget(page)
    ask(page, "i feel so low since the baby came")
    choose(page, "What can help today")
    groups = page.get_by_role("group", name="Suggested replies")
    assert groups.count() == 1
    page.reload()
    open_widget(page)
    page.locator(".cradle-bot").nth(2).wait_for()  # the chat is back from sessionStorage
    assert page.locator(".cradle-user").last.inner_text().endswith("What can help today")
    assert groups.count() == 1
    assert page.get_by_role("button", name="What can help today").count() == 0


def on_screen(control: Locator, width: int, height: int) -> bool:
    """In the viewport and not covered: the element at its centre is the control itself."""
    box = control.bounding_box()
    if box is None or box["x"] < 0 or box["y"] < 0:
        return False
    if box["x"] + box["width"] > width or box["y"] + box["height"] > height:
        return False
    centre = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    hit = "(node, [x, y]) => node.contains(document.elementFromPoint(x, y))"
    return control.evaluate(hit, centre)


@pytest.mark.parametrize(
    ("name", "width", "height"), [("landscape-740", 740, 360), ("320", 320, 568)]
)
def test_with_the_crisis_panel_the_message_box_stays_on_a_small_screen(
    browser, stack, name, width, height
):
    page = phone(browser, stack, width, height)
    open_widget(page)
    ask(page, "I just want to die")
    assert page.locator(".cradle-crisis").is_visible()
    controls = {
        "message box": page.get_by_label("Your message"),
        "Send": page.get_by_role("button", name="Send"),
        "Quick exit": page.get_by_role("button", name="Quick exit"),
        "Call 999": page.locator(".cradle-crisis").get_by_role("link", name="Call 999"),
    }
    for what, control in controls.items():
        assert on_screen(control, width, height), f"{what} is on screen"
    assert page.evaluate("window.scrollY") == 0  # without scrolling the page
    save_screenshot(page, f"widget-crisis-{name}.png")
    # ...and it still works: the next message goes from there.
    ask(page, "thank you")
    assert controls["message box"].is_visible()
    page.context.close()


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 800)])
def test_crisis_links_are_at_least_44px_tall(browser, stack, width, height):
    page = phone(browser, stack, width, height)
    open_widget(page)
    ask(page, "I just want to die")
    links = page.locator(".cradle-crisis a")
    assert links.count() == 3
    for link in links.all():
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, link.inner_text()
    if width == 360:
        save_screenshot(page, "widget-crisis-links-360.png")
    page.context.close()


def test_at_3am_crisis_help_and_its_question_leave_half_a_phone_for_the_conversation(
    browser, stack
):
    """A 360x740 phone at 3 a.m.: with the crisis panel and the night banner, the conversation
    had about 230px (the fourth user test), and the buttons under "Are you safe right now?"
    were below the fold. Now the banner makes way for the crisis panel, and the conversation
    keeps at least half the screen."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.clock.install(time=dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.timezone.utc))
    page.goto(f"{stack.config.web_url}/")
    open_widget(page)
    assert page.locator(".cradle-banner").is_visible()  # the night banner, before any crisis
    ask(page, "I just want to die")
    assert page.locator(".cradle-crisis").is_visible()
    assert not page.locator(".cradle-banner").is_visible()  # the crisis panel has 999 already
    log = page.locator(".cradle-log").bounding_box()
    assert log is not None and log["height"] >= 740 / 2
    for control in (
        page.get_by_role("button", name="I'm safe for now"),
        page.get_by_role("button", name="I need help now"),
        page.get_by_label("Your message"),
        page.get_by_role("button", name="Quick exit"),
    ):
        assert on_screen(control, 360, 740)
    save_screenshot(page, "widget-crisis-at-night-360.png")
    # Clear chat and the privacy note are still there, a scroll of the panel away.
    clear = page.get_by_role("button", name="Clear chat")
    clear.scroll_into_view_if_needed()
    assert on_screen(clear, 360, 740)
    assert on_screen(page.get_by_role("button", name="Quick exit"), 360, 740)  # sticky
    context.close()


def _fits_the_phone(locator: Locator, width: int = 360) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_the_area_question_and_its_buttons_fit_a_phone(browser, stack):
    """The service form's question on a 360px phone: every district button and Skip can be
    read and tapped without sideways scrolling."""
    page = phone(browser, stack)
    open_widget(page)
    ask(page, "i feel so low since the baby came")
    choose(page, "Find support near me")
    question = page.locator(".cradle-bot").last
    assert "Which town or area" in question.inner_text()
    buttons = page.get_by_role("group", name="Suggested replies").last
    titles = [b.inner_text() for b in buttons.get_by_role("button").all()]
    assert titles[-1] == "Skip" and "Rugby" in titles
    for button in buttons.get_by_role("button").all():
        _fits_the_phone(button)
        box = button.bounding_box()
        assert box is not None and box["height"] >= 24  # WCAG 2.2 target size (minimum)
    _fits_the_phone(question)
    save_screenshot(page, "widget-area-question-360.png")
    page.context.close()


def test_which_is_closer_fits_a_phone(browser, stack):
    """ "Which is closer to what you mean?" with two topic titles as buttons, on a 360px phone
    (the reply is stood in, because which messages the model finds close changes with
    training)."""
    page = phone(browser, stack)
    reply = {
        "messages": [
            {
                "text": "I want to get this right. Which is closer to what you mean?",
                "buttons": [
                    {"title": "Feeling low or down", "payload": "/ask_low_mood"},
                    {
                        "title": "Looking after yourself in pregnancy",
                        "payload": "/ask_pregnancy_wellbeing",
                    },
                ],
            }
        ],
        "contract": {"topic": None, "safety": "none", "services": [], "cards": []},
    }
    page.route(CHAT, lambda route: route.fulfill(json=reply, headers=cors(stack)))
    open_widget(page)
    ask(page, "cant stop crying at 20 weeks")
    buttons = page.get_by_role("group", name="Suggested replies").last
    for title in ("Feeling low or down", "Looking after yourself in pregnancy"):
        _fits_the_phone(buttons.get_by_role("button", name=title))
    save_screenshot(page, "widget-which-topic-360.png")
    page.context.close()


def test_no_to_the_safety_question_shows_the_answer_asked_for_from_its_start(phone_page):
    """Real servers: a message the net is unsure about is asked about first; "No" brings the
    answer to what the parent asked, its first line in view on a 360px phone."""
    from tests.conftest import check_band_message

    text = check_band_message()
    page = phone_page
    ask(page, text)
    assert "Are you or your baby in danger" in page.locator(".cradle-bot").last.inner_text()
    before = bot_count(page)
    first_new = choose(page, "No")
    assert "Glad you're safe." in first_new.inner_text()
    assert "Feeling low or down" in page.locator(".cradle-bot").nth(before + 1).inner_text()
    log = page.locator(".cradle-log").bounding_box()
    buttons = page.get_by_role("group", name="Suggested replies").last
    assert buttons.get_by_role("button", name="Tell me more").is_visible()
    # Every word of the reply is in view and its buttons start on screen. The last row of
    # buttons sits about 40px below the fold on a 360x740 phone (docs/widget-check-cleared-
    # topic-360.png): the extra line costs a bubble.
    assert log is not None
    bottom = log["y"] + log["height"] + 1
    for part in (first_new, page.locator(".cradle-bot").last):
        box = part.bounding_box()
        assert box is not None
        assert box["y"] >= log["y"] - 1, "the start of the reply is in view"
        assert box["y"] + box["height"] <= bottom, "and its end"
    box = buttons.bounding_box()
    assert box is not None and box["y"] + 44 <= bottom, "the first row of buttons is on screen"
    save_screenshot(page, "widget-check-cleared-topic-360.png")


def test_an_answer_about_someone_else_and_its_buttons_fit_a_phone_screen(phone_page):
    """A relative asking about a new mum gets the answer for family and friends; all its buttons,
    "It's about me" last, are in view on a 360x740 phone; their own part keeps that button, and
    it gets the parent's own."""
    page = phone_page
    first = bot_count(page)
    ask(page, "my daughter had a baby and she seems so down")
    reply = page.locator(".cradle-bot").nth(first)
    buttons = page.get_by_role("group", name="Suggested replies").last
    assert "It's kind to ask" in reply.inner_text()
    save_screenshot(page, "widget-topic-for-someone-else-360.png")
    assert_whole_in_the_log(page, (reply, buttons), 360)
    # Their own part, then the parent's answer: "It's about me" stays on every reply for them.
    before = bot_count(page)
    buttons.get_by_role("button", name="For family and friends").click()
    wait_for_reply(page, before)
    part = page.locator(".cradle-bot").nth(before)
    assert "For family and friends" in part.inner_text()
    save_screenshot(page, "widget-for-family-and-friends-360.png")
    before = bot_count(page)
    buttons = page.get_by_role("group", name="Suggested replies").last
    buttons.get_by_role("button", name="It's about me").click()
    wait_for_reply(page, before)
    assert "common and not your fault" in page.locator(".cradle-bot").nth(before).inner_text()


def test_a_parent_in_coventry_sees_the_services_that_reach_them_on_a_phone(phone_page):
    """The fifteenth user test's officer: a Coventry parent got national services only. On a
    360x740 phone the reply starts in view with the note, and a Coventry and Warwickshire
    service's card is among the cards (their order is tested on the real servers: at night
    services open now come first)."""
    page = phone_page
    before = bot_count(page)
    ask(page, "any support for low mood in coventry?")
    first = page.locator(".cradle-bot").nth(before)
    assert "some of them cover Coventry too" in first.inner_text()
    assert_starts_at_the_top(page, first)
    reaching = page.locator(".cradle-card", has_text="(Coventry and Warwickshire)").first
    reaching.wait_for()
    assert reaching.is_visible()
    save_screenshot(page, "widget-coventry-360.png")


@pytest.mark.parametrize(
    ("first", "then", "says", "shot"),
    [
        # Someone else's emergency: what a helper can do while help comes, 999 first.
        (
            "my wife hasnt slept for 4 days and keeps saying the baby isn't ours",
            "she says shes fine and wont go anywhere",
            "stay with them",
            "what-else",
        ),
        # A worry about someone else: the numbers, then whether asking puts the idea in his head.
        (
            "my husband said last night 'you'd all be better off without me'. hes at work now.",
            "should i ask him straight out if hes thinking of killing himself?",
            "asking won't put the idea in their head",
            "what-else-worry",
        ),
    ],
)
def test_what_else_can_i_do_after_someone_elses_crisis_is_in_view(
    phone_page, first, then, says, shot
):
    """On a 360x740 phone: "What else can I do?" after crisis help for someone else, wholly in
    view (the fifteenth user test's wife got 999 again, and nothing else)."""
    page = phone_page
    ask(page, first)
    choose(page, "I'm safe")
    ask(page, then)
    reply = choose(page, "What else can I do?")
    assert "999" in reply.inner_text() and says in reply.inner_text()
    save_screenshot(page, f"widget-{shot}-360.png")
    assert_whole_in_the_log(page, (reply,), 360)


def test_whether_asking_puts_the_idea_in_his_head_is_answered_in_the_same_turn(phone_page):
    """On a 360x740 phone: the fifteenth user test's wife's question, right after crisis help
    for her husband, gets its answer with the held reply, both in view (forty-fourth session)."""
    page = phone_page
    ask(page, "my husband said last night 'you'd all be better off without me'. hes at work now.")
    choose(page, "I'm safe")
    ask(page, "should i ask him straight out if hes thinking of killing himself?")
    answer = bot_says(page, "asking won't put the idea in their head")
    held = bot_says(page, "999")
    save_screenshot(page, "widget-asking-same-turn-360.png")
    assert_whole_in_the_log(page, (answer, held), 360)


def test_a_warning_sign_in_pregnancy_is_answered_in_view_on_a_phone(phone_page):
    """The sixteenth user test's mum, 12 weeks pregnant, asking who to call about bleeding, on a
    360x740 phone: where medical help is (midwife, maternity unit, NHS 111, 999) is in view,
    with its buttons and no list of services, none of which is where to call (forty-fifth
    session)."""
    page = phone_page
    ask(
        page,
        "im not asking about feeling low. im bleeding a bit and im 12 weeks pregnant. who do i"
        " call",
    )
    answer = bot_says(page, "maternity unit")
    assert "NHS 111" in answer.inner_text() and "999" in answer.inner_text()
    page.get_by_role("button", name="When to get help").wait_for()
    assert page.locator(".cradle-card").count() == 0
    save_screenshot(page, "widget-warning-sign-in-pregnancy-360.png")
    assert_whole_in_the_log(page, (answer,), 360)
