"""A whole conversation against the real processes: action server, Rasa and the web server.

Starts them exactly as `make run` does (cradle.launcher), on free loopback ports, with the
tracker store and catalogue in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import urllib.request
from pathlib import Path

import pytest

from cradle.catalogue.hours import LONDON
from cradle.catalogue.store import is_night
from cradle.content import SECTION_KEYS, get_topic
from cradle.insights import InsightLog
from cradle.launcher import Stack
from cradle.responses import get_responses, message

pytestmark = pytest.mark.integration


def post(url: str, body: dict, headers: dict | None = None) -> tuple[list | dict, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - loopback
        return json.load(reply), dict(reply.headers)


def focus_of(topic_id: str, focus_id: str):
    """A topic's focus by its id, as the content file has it."""
    return next(f for f in get_topic(topic_id).focuses if f.id == focus_id)


def say(stack: Stack, sender: str, text: str) -> tuple[list[str], dict]:
    messages, _ = post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text}
    )
    assert isinstance(messages, list)
    contract = messages[-1]["custom"]
    assert set(contract) >= {"topic", "safety", "services"}
    return [m["text"] for m in messages if m.get("text")], contract


def test_topic_answer_then_area_then_services(stack):
    texts, contract = say(stack, "parent-1", "hello")
    assert contract == {"topic": None, "safety": "none", "services": [], "cards": []}
    assert "automated" in texts[0]

    texts, contract = say(stack, "parent-1", "i feel so low since the baby came")
    assert contract["topic"] == "low-mood" and contract["safety"] == "none"
    assert texts[0].startswith("Feeling low or down\n")
    assert len(" ".join(texts).split()) <= 60  # short first; the leaflet comes on request

    texts, contract = say(stack, "parent-1", '/topic_more{"section": "help_today"}')
    assert texts[0] == "What can help today" and contract["topic"] == "low-mood"
    assert texts[-1] == "What would help next?"
    texts, contract = say(stack, "parent-1", "tell me more")
    assert texts[0] == "What this is"

    texts, contract = say(stack, "parent-1", "yes please")
    assert texts[0].startswith("Which town or area do you live in?")
    assert contract["services"] == []

    texts, contract = say(stack, "parent-1", "Rugby")
    # No Rugby-only service in the sample: county-wide NHS services and national lines.
    assert {"warwickshire-health-visiting", "cw-talking-therapies"} & set(contract["services"])
    # Whatever the hour, one of them is open now (24/7 by day; reachable by phone at night).
    assert any(card["opening"]["open_now"] for card in contract["cards"])
    assert all(card["kitemark"]["status"] == "listed" for card in contract["cards"])
    assert "Rugby" in texts[0] and "not yet quality-checked" in texts[0]
    assert "kite-marked" not in texts[0]


def test_a_lonely_parent_gets_the_answer_for_feeling_alone_then_groups_near_them(stack):
    sender = "lonely-1"
    texts, contract = say(stack, sender, "i feel so lonely since the baby came, i never see anyone")
    assert contract["topic"] == "feeling-alone" and contract["safety"] == "none"
    assert texts[0].startswith("Feeling alone\n")
    assert len(" ".join(texts).split()) <= 60
    texts, contract = say(stack, sender, "yes please")
    assert texts[0].startswith("Which town or area do you live in?")
    texts, contract = say(stack, sender, "Nuneaton")
    # Groups to meet other parents (the topic's first need), not only the low-mood services.
    assert {"buggy-talk", "warwickshire-fis"} & set(contract["services"]), contract["services"]


def test_feeling_alone_asked_during_the_question_is_answered_not_taken_as_a_place(stack):
    # The form lets every topic through (cradle sync generates its list from content/topics).
    turn(stack, "narrow-lonely", "any groups near me?")
    texts, contract = say(stack, "narrow-lonely", "/ask_feeling_alone")
    assert contract["topic"] == "feeling-alone" and texts[0].startswith("Feeling alone\n")
    assert "Sorry, I don't know that place" not in " ".join(texts)


def test_a_dad_gets_dads_wording(stack):
    say(stack, "dad-1", '/inform{"audience": "dad"}')
    texts, contract = say(stack, "dad-1", "i cant cope with no sleep, im shattered")
    assert contract["topic"] == "sleep-and-exhaustion"
    assert "Broken sleep hits dads and partners too" in texts[0]
    texts, _ = say(stack, "dad-1", "tell me more")
    assert texts[0] == "For dads and partners"  # the dads part first, for a dad


@pytest.mark.parametrize(
    "text", ["im terrified of giving birth", "34 weeks and dreading labour, what can i do"]
)
def test_fear_of_giving_birth_gets_its_own_first_answer(stack, text):
    # The fourth and fifth user tests: a choice of two topics, then the answer about a hard
    # birth already behind her.
    focus = focus_of("pregnancy-wellbeing", "fear-of-birth")
    texts, contract = say(stack, f"fear-{len(text)}", text)
    assert contract["topic"] == "pregnancy-wellbeing" and contract["safety"] == "none"
    assert texts == [f"{focus.title}\n{focus.sms}"]
    texts, _ = say(stack, f"fear-{len(text)}", '/topic_more{"section": "how_to_get_help"}')
    assert "caesarean" in " ".join(texts)


@pytest.mark.parametrize(
    "text",
    [
        "if i tell my hv will social services take him off me",
        "taken away?? they can take my baby if i say i am crying??",
    ],
)
def test_the_fear_that_a_baby_will_be_taken_away_is_answered_not_listed(stack, text):
    # The sixth user test: "social services" read as a request for services got a list of
    # domestic abuse lines, and the fear itself was never answered.
    focus = focus_of("asking-for-help", "fear-of-baby-taken")
    texts, contract = say(stack, f"taken-{len(text)}", text)
    assert contract["services"] == [] and contract["safety"] == "none"
    assert texts == [f"{focus.title}\n{focus.sms}"]
    # Not a promise it cannot keep (the eighteenth user test: "never" read as absolute).
    assert "not a reason for a baby to be taken into care" in focus.sms


def test_a_dad_whose_partner_feels_a_bad_mum_is_not_told_about_shaking_a_baby(stack):
    # The sixth user test: read as the crying baby, he got "Never shake a baby".
    text = "how do i help her without making it worse? she just cries and says shes a bad mum"
    focus = focus_of("low-mood", "feeling-bad-parent")
    texts, contract = say(stack, "bad-mum-1", text)
    assert contract["topic"] == "low-mood" and contract["safety"] == "none"
    assert texts == [f"{focus.title}\n{focus.sms}"]
    assert "shake" not in " ".join(texts).lower()


@pytest.mark.parametrize(
    ("topic", "focus_id", "first", "said", "safety"),
    [
        # The seventeenth user test's mum got "What this is" and her OCD question was ignored.
        # "scary thoughts" is the net's support tier: no crisis help, no question.
        (
            "intrusive-thoughts",
            "is-it-ocd",
            "/ask_intrusive_thoughts",
            "can u tell me more about the scary thoughts thing. is it like ocd or something. my "
            "mum had that",
            "support",
        ),
        # The eighteenth user test's pregnant 19-year-old got the anxiety topic's "What this
        # is", her question unanswered (forty-seventh session).
        (
            "anxiety",
            "stress-harms-baby",
            "ok but what about the panic attacks? how do i make them stop",
            "thanks the breathing thing might help. but can panic attacks actually hurt the "
            "baby?? ive been googling and freaking myself out",
            "none",
        ),
    ],
)
def test_a_question_after_a_topic_answer_gets_its_worrys_own_answer(
    stack, topic, focus_id, first, said, safety
):
    focus = focus_of(topic, focus_id)
    sender = f"after-topic-{focus_id}"
    say(stack, sender, first)
    texts, contract = say(stack, sender, said)
    assert contract["topic"] == topic and contract["safety"] == safety
    assert texts == [focus.answer]


@pytest.mark.parametrize(
    "text",
    [
        "Hello. I am a grandmother in Atherstone. My daughter has been in a mother and baby unit "
        "for 6 weeks after she had postpartum psychosis, she is coming home next week with the "
        "baby. What signs should I be watching for that she is getting ill again?",
        "do you have any information about postpartum psychosis at all?",
        "Samaritans and a men's helpline aren't really what I mean. If she's not making sense "
        "and not sleeping again at 2am, is that a 999 thing or 111?",
    ],
)
def test_asking_about_postpartum_psychosis_gets_its_signs_and_what_to_do(stack, text):
    # The eighteenth user test's grandmother got the worry and low mood answers, service cards,
    # then "Here is Samaritans" for "is that a 999 thing or 111?".
    focus = focus_of("asking-for-help", "psychosis-signs")
    texts, contract = say(stack, "pp-signs-" + str(len(text)), text)
    assert contract["topic"] == "asking-for-help"
    assert f"{focus.title}\n{focus.sms}" in texts
    assert "999" in focus.sms and "111" in focus.sms and "Samaritans" not in " ".join(texts)


def test_thanks_with_do_u_think_im_a_bad_mum_is_answered(stack):
    # The nineteenth user test's mum got "You're welcome. Is there anything else I can help
    # with?" (forty-seventh session).
    focus = focus_of("low-mood", "feeling-bad-parent")
    texts, contract = say(stack, "thanks-bad-mum", "thanks. do u think im a bad mum")
    assert contract["topic"] == "low-mood" and texts == [focus.answer]


def test_a_pregnant_17_year_old_is_answered_as_a_young_parent_not_as_a_dad(stack):
    # The seventh user test: the NLU read "mum n dad" as a dad, and she got the dads' text.
    text = "im 17 and pregnant and i havent told my mum n dad. scared"
    focus = focus_of("asking-for-help", "young-parent")
    texts, contract = say(stack, "young-1", text)
    assert contract["topic"] == "asking-for-help" and contract["safety"] == "none"
    assert texts == [f"{focus.title}\n{focus.sms}"]
    assert "private at any age" in focus.sms
    texts, _ = say(stack, "young-1", "tell me more")
    assert texts and texts[0] != "For dads and partners"


@pytest.mark.parametrize(
    ("sender", "text", "offered"),
    [
        # The nineteenth user test's mum: never said "mum", and was offered the dads' part.
        ("pregnant-mum", "hi im 30 weeks pregnant and my anxiety is getting so much worse", False),
        (
            "pregnant-partner",
            "were 30 weeks pregnant and i cant stop worrying, its so much worse",
            True,
        ),
    ],
)
def test_a_writer_who_says_she_is_pregnant_is_not_offered_the_dads_part(
    stack, sender, text, offered
):
    messages, _ = post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text}
    )
    assert messages[-1]["custom"]["topic"] in ("anxiety", "pregnancy-wellbeing")
    titles = [b["title"] for m in messages for b in m.get("buttons") or []]
    assert "Tell me more" in titles
    assert ("For dads and partners" in titles) is offered
    assert stack.tracker(sender)["slots"]["audience"] == (None if offered else "mum")


def test_a_toddlers_tantrums_get_their_own_answer_not_the_crying_baby(stack):
    # The nineteenth and twentieth user tests' mums of toddlers got "put baby safely in the cot"
    # (README, fiftieth session).
    focus = focus_of("crying-baby", "tantrums")
    texts, contract = say(
        stack, "tantrums-1", "my daughter is nearly 2 and has screaming tantrums every bedtime"
    )
    assert contract["topic"] == "crying-baby" and contract["safety"] == "none"
    assert texts == [focus.answer]
    assert "cot" not in focus.answer and "health visitor" in focus.answer
    texts, _ = say(stack, "tantrums-1", "tell me more")
    assert texts[0] == "How to get help" and "tantrums" in " ".join(texts)


def test_pregnant_again_after_being_unwell_last_time_is_told_to_say_so_now(stack):
    # The twenty-ninth user test's mum, 7 months pregnant with her second, very low after her
    # first: she got "Tell your midwife if you feel low for 2 weeks", a wait (README,
    # fifty-ninth session).
    focus = focus_of("pregnancy-wellbeing", "unwell-last-time")
    sender = "unwell-last-time-1"
    texts, contract = say(
        stack,
        sender,
        "im 7 months pregnant with my second. after my first i was really low and nobody "
        "noticed. im so scared its going to happen again",
    )
    assert contract["topic"] == "pregnancy-wellbeing" and contract["safety"] == "none"
    assert texts == [focus.answer]
    assert "2 weeks" not in focus.answer and "now" in focus.sms and "midwife" in focus.sms
    texts, _ = say(stack, sender, "tell me more")
    assert texts[0] == "How to get help" and "plan for after the birth" in " ".join(texts)


def test_can_i_refer_myself_is_answered(stack):
    # The seventh user test: asked and never answered, though the service card says so.
    # Its words also ask for a service: the answer comes first, then the list with that card.
    focus = focus_of("asking-for-help", "self-referral")
    text = "can talking therapies help with this? can i refer myself"
    texts, contract = say(stack, "refer-1", text)
    assert contract["safety"] == "none"
    assert texts[0] == focus.answer and "refer themselves" in focus.sms
    assert "cw-talking-therapies" in contract["services"]


@pytest.mark.parametrize(
    ("topic", "focus_id", "text", "says"),
    [
        # The fourteenth user test's single mum of twins: the focus was found, and the list came
        # alone.
        (
            "sleep-and-exhaustion",
            "single-parent-nights",
            "hiya im a single mum to twins 5 months old. absolutely shattered, no family round "
            "here at all. is there anyone i can talk to at night when theyre finally asleep",
            "Gingerbread",
        ),
        # Its pregnant mum: after an empty-looking list, her question about who refers got the
        # list again. The answer names the midwife.
        (
            "asking-for-help",
            "self-referral",
            "do i have to go through my GP to get someone to talk to or can my midwife refer me? "
            "or can i refer myself",
            "midwife",
        ),
    ],
)
def test_a_worry_asked_with_a_request_for_services_is_answered_before_the_list(
    stack, topic, focus_id, text, says
):
    focus = focus_of(topic, focus_id)
    texts, contract = say(stack, f"before-list-{focus_id}", text)
    assert contract["safety"] == "none"
    assert texts[0] == focus.answer and says in focus.answer
    assert contract["services"], "the list follows the answer"


@pytest.mark.parametrize(
    ("text", "topic", "focus_id", "says"),
    [
        # The eighth user test: told "see your GP" three times by a mum who couldn't get an
        # appointment, and a 16-year-old's "what happens now" never answered.
        (
            "been feeling really low since the baby and i cant get a gp appointment for weeks",
            "asking-for-help",
            "no-gp-appointment",
            "refer themselves",
        ),
        (
            "just found out im pregnant, what do i do first?",
            "pregnancy-wellbeing",
            "pregnancy-first-steps",
            "no need to see a GP first",
        ),
    ],
)
def test_a_worry_about_getting_seen_gets_its_own_first_answer(stack, text, topic, focus_id, says):
    focus = focus_of(topic, focus_id)
    texts, contract = say(stack, f"seen-{focus_id}", text)
    assert contract["topic"] == topic and contract["safety"] == "none"
    assert texts == [focus.answer] and says in focus.sms


def test_no_gp_appointment_with_a_request_for_services_gets_its_line_first(stack):
    focus = focus_of("asking-for-help", "no-gp-appointment")
    texts, contract = say(
        stack, "seen-list", "cant get a gp appointment, is there anywhere else i can get support"
    )
    assert texts[0] == focus.answer and contract["services"]


@pytest.mark.parametrize("text", ["Can I talk to a real person?", "i want to speak to a human"])
def test_asking_for_a_person_says_cradle_is_automated_and_who_is_there_now(stack, text):
    # The fifth user test: the asking-for-help leaflet, with no one to talk to now.
    texts, contract = say(stack, f"person-{len(text)}", text)
    assert contract["safety"] == "none"
    assert "automated" in texts[0] and "116 123" in texts[0]


def test_a_question_about_someone_else_gets_the_answer_for_family_and_friends(stack):
    topic = get_topic("low-mood")
    texts, contract = say(stack, "friend-1", "my daughter had a baby and she seems so down")
    assert contract["topic"] == "low-mood" and contract["safety"] == "none"
    assert texts == [f"{topic.title}\n{' '.join(topic.meta['sms_helping'].split())}"]
    texts, contract = say(stack, "friend-1", "/ask_low_mood")  # the "It's about me" button
    assert texts == [f"{topic.title}\n{' '.join(topic.meta['sms'].split())}"]


def titles_of(messages: list[dict]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def test_a_relatives_conversation_stays_theirs_until_they_say_it_is_about_them(stack):
    # The tenth user test: after the first answer, a sister's "Tell me more" got parts written
    # to the parent, and "It's about me" was gone.
    more = '/topic_more{"section": "more"}'
    messages, _ = turn(stack, "relative-1", "my daughter had a baby and she seems so down")
    assert titles_of(messages)[1] == "For family and friends"
    assert titles_of(messages)[-1] == "It's about me"
    assert "When to get help" not in titles_of(messages)
    messages, contract = turn(stack, "relative-1", more)
    assert contract["topic"] == "low-mood"
    assert messages[0]["text"] == "For family and friends"
    assert messages[1]["text"].startswith("If someone you care about")
    assert titles_of(messages)[-1] == "It's about me"
    messages, _ = turn(stack, "relative-1", more)  # the next part, still with the way back
    assert messages[0]["text"] == "What this is"
    assert titles_of(messages)[-1] == "It's about me"
    texts, _ = say(stack, "relative-1", "/ask_low_mood")  # "It's about me"
    assert "common and not your fault" in texts[0]
    messages, _ = turn(stack, "relative-1", more)
    assert messages[0]["text"] == "What this is"
    assert "It's about me" not in titles_of(messages)
    assert "What can help today" in titles_of(messages)


@pytest.mark.parametrize(
    "asked",
    [
        "do i have to see my gp first for therapy",
        # Asked with a request for services: the answer comes before the list.
        "can i refer myself or do i have to see the gp first",
    ],
)
def test_tell_me_more_after_referring_yourself_says_how(stack, asked):
    # The fourteenth user test's pregnant mum: "Tell me more" after "Referring yourself" gave
    # "What this is" (fear of being judged), not how to refer.
    sender = f"refer-more-{len(asked)}"
    texts, _ = say(stack, sender, asked)
    assert texts[0].startswith("Referring yourself")
    texts, contract = say(stack, sender, '/topic_more{"section": "more"}')
    assert contract["topic"] == "asking-for-help"
    assert texts[0].startswith("How to get help")
    assert "Find an NHS talking therapies service" in " ".join(texts)
    # Then the topic's parts in their usual order.
    texts, _ = say(stack, sender, '/topic_more{"section": "more"}')
    assert texts[0].startswith("What this is")


def test_a_topic_typed_back_to_two_turns_later_goes_on_with_it(stack):
    # The fourteenth user test's mum: after the answer on unwanted thoughts, one of its parts
    # and the answer on her fear of her son being taken, her next question on the thoughts got
    # their first answer again, word for word.
    first = "my son is 10 months and i keep getting these sudden pictures in my head of him falling down the stairs or getting hurt. they just pop up out of nowhere and they make me feel sick"  # noqa: E501
    texts, contract = say(stack, "thoughts-back", first)
    assert contract["topic"] == "intrusive-thoughts"
    opening = texts[0]
    texts, _ = say(stack, "thoughts-back", '/topic_more{"section": "more"}')
    part = texts[0].split("\n")[0]
    texts, contract = say(
        stack,
        "thoughts-back",
        "i would never hurt him. im just terrified that if i tell my health visitor they'll "
        "take him off me",
    )
    assert texts[0].startswith("Scared your baby will be taken away")
    texts, contract = say(
        stack,
        "thoughts-back",
        "so should i tell someone about the thoughts or just try and ignore them?",
    )
    assert contract["topic"] == "intrusive-thoughts" and contract["safety"] == "none"
    assert texts[0] != opening and not texts[0].startswith(part)
    # The topic's part after the one already shown, not its first answer.
    order = [SECTION_KEYS[k] for k in get_topic("intrusive-thoughts").more_order(None)]
    assert texts[0].split("\n")[0] == order[order.index(part) + 1]


def test_after_bringing_up_a_worry_tell_me_more_is_for_the_helper(stack):
    # The tenth user test's sister: after "Bringing up a worry", "Tell me more" got the part on
    # fearing a baby would be taken away, written to the parent.
    text = "my brother has been so low since the baby. how do i bring it up without upsetting him?"
    messages, contract = turn(stack, "sister-1", text)
    assert messages[0]["text"].startswith("Bringing up a worry")
    assert titles_of(messages)[-1] == "It's about me"
    messages, _ = turn(stack, "sister-1", '/topic_more{"section": "more"}')
    assert messages[0]["text"] == "For family and friends"
    assert messages[1]["text"].startswith("If someone you care about is struggling")


def test_a_goodnight_after_an_answer_is_not_read_as_a_question_about_sleep(stack):
    # The eleventh user test: "thanks. i think ill try sleep now x" got the tiredness answer,
    # "Seeing, hearing or believing things that aren't real? Call 999."
    say(stack, "goodnight-1", "i feel so flat and lonely since the baby")
    texts, contract = say(stack, "goodnight-1", "thanks. i think ill try sleep now x")
    assert texts == [" ".join(get_responses()["utter_goodbye"][0]["text"].split())]
    assert contract["safety"] == "none"


def test_crisis_gets_fixed_crisis_text_and_the_words_are_not_stored(stack):
    texts, contract = say(stack, "parent-2", "I just want to die")
    assert contract["safety"] == "urgent"
    assert "116 123" in texts[0] and texts[1] == "Are you safe right now?"
    texts, contract = say(stack, "parent-2", "no")  # not safe: crisis help again, first
    assert contract["safety"] == "emergency" and "999" in texts[0]
    assert texts[-1].startswith("Thank you for telling me. Please call one of those numbers")
    db = sqlite3.connect(stack.config.var / "tracker.db")
    stored = " ".join(row[0] or "" for row in db.execute("SELECT data FROM events"))
    assert "want to die" not in stored and "parent-2" in " ".join(
        r[0] for r in db.execute("SELECT sender_id FROM events")
    )


@pytest.mark.parametrize(
    "text",
    ['/inform{"area": "x\' OR 1=1"}', "/safety_alert", '/inform{"safety_tier": "none"}'],
)
def test_hostile_commands_are_refused_with_a_clear_reply(stack, text):
    texts, contract = say(stack, "parent-3", text)
    assert texts == [
        "Sorry, I couldn't use that. Please type your question in your own words, or type MENU."
    ]
    assert contract["safety"] == "none"


def test_a_typed_restart_starts_again_and_says_so(stack):
    # The seventh user test: "/restart" got "Sorry, something went wrong on my side".
    say(stack, "restart-1", "I feel a bit low")
    texts, contract = say(stack, "restart-1", "/restart")
    assert texts == [get_responses()["utter_restart"][0]["text"]]
    assert contract["safety"] == "none" and contract["topic"] is None
    tracker = stack.tracker("restart-1")
    assert tracker["slots"]["topic"] is None
    assert any(e["event"] == "restart" for e in tracker["events"])


def test_with_the_action_server_down_crisis_help_still_comes(stack):
    actions = next(p for p in stack.procs if p.name == "actions")
    os.killpg(actions.popen.pid, signal.SIGKILL)
    actions.popen.wait(timeout=10)
    texts, contract = say(stack, "parent-4", "im going to kill myself tonight")
    assert contract["safety"] == "emergency" and "999" in texts[0]
    texts, contract = say(stack, "parent-4", "tell me about bonding with my baby")
    assert "116 123" in texts[-1]  # the fixed fallback, never silence
    stack.restart("actions")
    texts, contract = say(stack, "parent-5", "tell me about bonding with my baby")
    assert contract["topic"] == "bonding"


def test_logs_hold_no_crisis_text(stack):
    logs = " ".join(p.read_text(errors="replace") for p in Path(stack.config.var, "logs").glob("*"))
    assert "want to die" not in logs and "kill myself" not in logs


@pytest.mark.parametrize(
    ("text", "expect_any"),
    [
        # The kinds of request the issue found answered with a leaflet (issue 12, point 2).
        ("are there any groups for dads in rugby", {"saturdads-rugby"}),
        ("support for domestic abuse in nuneaton", {"refuge-warwickshire"}),
        ("who can I text for help at night", {"shout"}),
    ],
)
def test_a_request_for_services_gets_services_in_that_turn(stack, text, expect_any):
    texts, contract = say(stack, f"asker-{abs(hash(text))}", text)
    assert contract["services"], texts
    assert expect_any & set(contract["services"]), contract["services"]


@pytest.mark.parametrize(
    ("text", "note"),
    [
        # The seventh user test: "I don't recognise that place", then Warwickshire's services.
        ("groups near me, I live in B15 Birmingham", "Birmingham has its own city council"),
        ("any support for new mums in solihull", "Solihull has its own council"),
    ],
)
def test_a_request_from_outside_the_county_says_so_and_gets_national_services(stack, text, note):
    texts, contract = say(stack, f"outside-{abs(hash(text))}", text)
    assert texts[0].startswith(note), texts
    assert contract["services"] and {c["scope"] for c in contract["cards"]} == {"national"}


def test_a_request_for_a_group_with_no_service_of_its_own_says_so_first(stack):
    # The seventh user test: "is there a group for LGBT parents" twice got the same list.
    log = InsightLog(Path(stack.config.var, "tracker.db"), frozenset())
    before = log.count()
    texts, contract = say(stack, "group-1", "is there a group for lgbt parents near leamington")
    assert texts[0].startswith("I don't have a service just for LGBTQ+ parents"), texts
    assert contract["services"] and contract["safety"] == "none"
    # Recorded for the commissioners' report: the group, never the words.
    rows = log.rows(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    assert len(rows) == before + 1
    assert (rows[-1]["gap_group"], rows[-1]["district"]) == ("lgbtq-parents", "warwick")


def test_a_place_named_under_a_list_gets_that_places_list(stack):
    # The fifteenth user test's council officer: "What about a mum in Banbury?" after Nuneaton's
    # list was "Sorry, I didn't quite understand".
    sender = "officer-1"
    _, contract = say(stack, sender, "Can you show me services for a parent in Nuneaton please")
    assert contract["services"]
    texts, contract = say(stack, sender, "What about a mum in Banbury?")
    assert texts[0].startswith("That is outside Warwickshire"), texts
    assert contract["services"] and {c["scope"] for c in contract["cards"]} == {"national"}


def test_a_place_outside_that_some_services_reach_gets_them_before_national_ones(stack):
    # The fifteenth user test's officer: "And for someone living in Coventry?" got national
    # services only, though the perinatal team and NHS Talking Therapies cover Coventry too.
    sender = "officer-2"
    say(stack, sender, "Can you show me services for a parent in Nuneaton please")
    texts, contract = say(stack, sender, "And for someone living in Coventry?")
    assert texts[0].endswith("some of them cover Coventry too."), texts
    assert texts[1].startswith("These cover Coventry or the whole country."), texts
    assert any("talking-therapies" in s for s in contract["services"]), contract["services"]
    assert {c["scope"] for c in contract["cards"]} == {"county", "national"}
    # Before the national ones; only at night (9pm to 8am) do those open now come first.
    cards = contract["cards"]
    first_reaching = next(i for i, c in enumerate(cards) if c["scope"] == "county")
    closed_national = [
        i
        for i, c in enumerate(cards)
        if c["scope"] == "national"
        and not (c["opening"]["open_now"] or c["opening"]["always_open"])
    ]
    assert all(first_reaching < i for i in closed_national), contract["services"]


def test_is_relate_free_two_turns_after_the_list_gets_relates_card(stack):
    # The fifteenth user test's mum asked again after another answer, and got "When to get help".
    sender = "couples-3"
    say(stack, sender, "is there any couples counselling or relationship support round stratford?")
    say(stack, sender, "its nothing like that, hes not violent we just bicker")
    texts, contract = say(stack, sender, "ok. last thing is relate free or not")
    assert contract["services"] == ["relate"], (texts, contract)
    assert "ask about costs" in contract["cards"][0]["description"]


def test_does_relate_cost_money_under_the_list_gets_relates_card(stack):
    # The fifteenth user test's mum asked it three times and got topic answers.
    sender = "couples-2"
    say(stack, sender, "is there any couples counselling or relationship support round stratford?")
    asked = "does relate cost money? we cant really afford much on mat pay"
    texts, contract = say(stack, sender, asked)
    assert contract["services"] == ["relate"], (texts, contract)
    assert "ask about costs" in contract["cards"][0]["description"]


def test_couples_counselling_lists_relate_and_not_an_lgbt_abuse_line(stack):
    # The fifteenth user test: her couples counselling list had Galop's LGBT+ abuse helpline.
    sender = "couples-1"
    say(stack, sender, "me and my partner argue constantly since our baby came, is this normal")
    asked = "is there any couples counselling or relationship support round stratford?"
    _, contract = say(stack, sender, asked)
    assert "relate" in contract["services"] and "galop" not in contract["services"], contract
    # An abuse line for LGBT+ people is still listed when abuse is asked about.
    _, contract = say(stack, "abuse-lgbt-1", "any domestic abuse helplines for lgbt people?")
    assert "galop" in contract["services"], contract


MEDICINE = ("low-mood", "medicine-for-mental-health")
HARD_START = ("bonding", "bonding-after-a-hard-start")
PARTNER = ("low-mood", "supporting-a-partner")
ARGUMENTS = ("relationships", "everyday-arguments")


@pytest.mark.parametrize(
    ("asked", "worry"),
    [
        # The fifteenth user test's mum at 34 weeks, on sertraline: the pregnancy answer, then
        # "Sorry, I didn't quite understand" for the one word.
        (
            "should i stop taking my sertraline before the baby comes? i read it can make babies"
            " jittery",
            MEDICINE,
        ),
        ("medication", MEDICINE),
        # Its mum whose baby was ten days in neonatal intensive care: "What this is".
        (
            "but i missed the first 10 days, i couldnt even hold her properly. have i missed the"
            " bonding window?",
            HARD_START,
        ),
        # Its night-shift dad: a choice between relationships and low mood, nothing for him.
        (
            "ok thanks. also how do i help my partner with her pnd, i feel like everything i do"
            " is wrong",
            PARTNER,
        ),
        # Its mum after a couples list: the domestic abuse answer, for "violent".
        (
            "why is there a domestic abuse one?? its nothing like that, hes not violent we just"
            " bicker and snap at each other",
            ARGUMENTS,
        ),
    ],
)
def test_a_worry_of_the_fifteenth_user_test_gets_its_own_answer(stack, asked, worry):
    # Its own conversation each: two of the messages are the same length.
    texts, contract = say(stack, f"worry-15-{len(asked)}-{asked.split()[0]}", asked)
    assert texts[0] == focus_of(*worry).answer and contract["safety"] == "none", texts


def test_anything_specifically_for_dads_after_supporting_a_partner_gets_a_list(stack):
    # The thirty-third user test's dad got the part for family and friends about "a dad you care
    # about" (README, sixty-first session).
    sender = "dads-specifically-33"
    texts, _ = say(
        stack,
        sender,
        "hi. my partner got diagnosed with postnatal depression last month, our baby is 5 "
        "months. what can i actually do to help her",
    )
    assert texts[0] == focus_of(*PARTNER).answer
    texts, contract = say(
        stack,
        sender,
        "is there anything specificaly for dads? feel like everything is aimed at mums",
    )
    assert contract["services"], texts
    assert not any(t.startswith("For family and friends") for t in texts)


@pytest.mark.parametrize("asked", ["postpartum psychosis", "what is postpartum psychosis?"])
def test_postpartum_psychosis_is_explained_when_asked(stack, asked):
    # The sixteenth user test's grandmother got "I don't have that word in my list yet".
    texts, contract = say(stack, f"glossary-16-{len(asked)}", asked)
    assert any("Postpartum psychosis is a rare but serious illness" in t for t in texts), texts
    assert "999" in " ".join(texts) and contract["safety"] == "none"


def test_thanks_for_a_call_of_her_own_is_not_answered_with_crisis_help(stack):
    # The sixteenth user test's pregnant mum, having found her own answer, got the writer's
    # urgent crisis reply: the NLU read a request for crisis help (docs/safety.md).
    texts, contract = say(stack, "own-call-16", "ok ill ring 111 i guess. thanks")
    assert contract["safety"] == "none", (texts, contract)
    assert not any("Samaritans" in t or "Are you safe" in t for t in texts), texts
    assert texts == [" ".join(get_responses()["utter_thanks"][0]["text"].split())]


WARNING_SIGN = ("pregnancy-wellbeing", "warning-sign-in-pregnancy")


@pytest.mark.parametrize(
    "asked",
    [
        "im not asking about feeling low. im bleeding a bit and im 12 weeks pregnant. who do i"
        " call",
        # With a place (her words with "in rugby" the second opinion reads as a medical
        # emergency, whose 999 reply stands).
        "expecting and having period type cramps, any services in rugby",
    ],
)
def test_a_warning_sign_in_pregnancy_gets_the_maternity_unit_instead_of_a_list(stack, asked):
    # The sixteenth user test's mum, 12 weeks pregnant after a miscarriage, asking who to call:
    # mental health lines, and no word of her midwife, maternity unit or NHS 111; then the
    # line about them, followed by five mental health services (no maternity unit is listed).
    # Her own words (the same without "im not asking about feeling low" the safety net reads
    # as a medical emergency, and its 999 reply stands).
    sender = f"warning-16-{len(asked)}"
    texts, contract = say(stack, sender, asked)
    focus = focus_of(*WARNING_SIGN)
    assert texts[0] == focus.answer, texts
    assert "maternity unit" in texts[0] and "NHS 111" in texts[0] and "999" in texts[0]
    assert contract["services"] == [] and contract["cards"] == []
    assert not any(t.startswith("Which town or area") for t in texts)
    # A request with no warning sign in it is still answered with services.
    texts, contract = say(stack, sender, "are there any groups for pregnant mums in rugby")
    assert contract["services"], texts


@pytest.mark.parametrize(
    ("asked", "first", "who"),
    [
        # The fourteenth user test's single mum of twins: the list alone, for all mums.
        (
            "is there a mums group somewhere twins friendly",
            [],
            "parents of twins or more",
        ),
        # Finding the twins answer (on the web, the answer itself), it comes first.
        (
            "is there a group for parents of twins, its so hard",
            [focus_of("sleep-and-exhaustion", "twins-or-more").answer],
            "parents of twins or more",
        ),
        # The fifteenth's mum whose baby was in neonatal intensive care, asked twice.
        (
            "ok. are there any groups for mums whose babies were in neonatal? im in leamington spa",
            [],
            "parents of babies in neonatal care",
        ),
        # The sixteenth's mum, pregnant again after a miscarriage.
        (
            "is there anyone who gets pregnancy after miscarriage? like a charity or someone"
            " who's been through it",
            [],
            "parents after a miscarriage or baby loss",
        ),
        # The seventeenth's mum, 17, asking for a group where no one will judge her.
        (
            "hiya im 17 and got a 4 month old. everyone looks at me like im a kid wiv a kid. is"
            " there any groups where ppl wont judge me",
            [],
            "young parents",
        ),
    ],
)
def test_a_request_for_a_group_the_list_has_nothing_for_says_so_first(stack, asked, first, who):
    texts, contract = say(stack, f"unlisted-group-{len(asked)}", asked)
    said = f"I don't have a service just for {who} in my list yet"
    assert texts[: len(first)] == first and texts[len(first)].startswith(said), texts
    assert contract["services"] and contract["safety"] == "none"


# --- the service filter form: services at once, then "which town or area?" narrows them ---


def turn(stack: Stack, sender: str, text: str) -> tuple[list[dict], dict]:
    """The whole reply (texts and buttons) and its contract."""
    messages, _ = post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text}
    )
    assert isinstance(messages, list)
    return messages[:-1], messages[-1]["custom"]


def asked_where(messages: list[dict]) -> bool:
    """The reply ends with the form's question, with the district buttons and Skip."""
    last = messages[-1]
    titles = [b["title"] for b in last.get("buttons") or []]
    return last["text"].startswith("To see services near you first") and titles[-1] == "Skip"


@pytest.mark.parametrize(
    ("typed", "district", "name"),
    [
        ("nuneton", "nuneaton-and-bedworth", "Nuneaton and Bedworth"),
        ("lemington", "warwick", "Warwick"),
    ],
)
def test_services_then_a_misspelt_town_narrows_them(stack, typed, district, name):
    sender = f"narrow-{typed}"
    messages, contract = turn(stack, sender, "any groups near me?")
    assert contract["services"], "services come in the same turn, before the place is known"
    assert "insight" not in contract or "district" not in contract["insight"]
    assert asked_where(messages)

    messages, contract = turn(stack, sender, typed)
    assert contract["services"]
    assert contract["insight"]["district"] == district
    assert name in messages[0]["text"]
    assert messages[-1]["text"] == "Was this helpful?"  # the form ended: no second question


def test_skip_ends_the_question_without_narrowing(stack):
    turn(stack, "narrow-skip", "any groups near me?")
    messages, contract = turn(stack, "narrow-skip", "/deny")  # the Skip button
    assert [m["text"] for m in messages] == [message("area_skipped")["text"], "Was this helpful?"]
    assert contract["services"] == []


def test_an_unknown_place_is_refused_and_asked_again(stack):
    turn(stack, "narrow-unknown", "any groups near me?")
    messages, contract = turn(stack, "narrow-unknown", "narnia")
    assert messages[0]["text"] == "Sorry, I don't know that place in Warwickshire."
    assert asked_where(messages) and contract["services"] == []
    messages, contract = turn(stack, "narrow-unknown", "CV21 3AB")
    assert contract["insight"]["district"] == "rugby"


def test_find_support_pressed_again_during_the_question_asks_again_without_an_error(stack):
    def asks_which_town(messages: list[dict]) -> bool:
        last = messages[-1]
        return last["text"].startswith("Which town or area") and last["buttons"][-1]["title"] == (
            "Skip"
        )

    turn(stack, "narrow-again", "i feel so low since the baby came")
    messages, _ = turn(stack, "narrow-again", "/find_services")  # "Find support near me"
    assert asks_which_town(messages)
    messages, contract = turn(stack, "narrow-again", "/find_services")  # the old button, again
    assert len(messages) == 1 and asks_which_town(messages)  # the question alone, no error
    assert "know that place" not in messages[0].get("text", "")
    messages, contract = turn(stack, "narrow-again", "CV21 3AB")
    assert contract["insight"]["district"] == "rugby"


def test_a_place_it_cannot_find_twice_ends_the_question_not_the_conversation(stack):
    # "Find support near me" asks first; a village not on the list, twice, stops the asking
    # and the county-wide services follow.
    turn(stack, "narrow-village", "i feel so low since the baby came")
    messages, _ = turn(stack, "narrow-village", "/affirm")
    assert messages[-1]["text"].startswith("Which town or area")
    messages, _ = turn(stack, "narrow-village", "Harbury")
    assert messages[0]["text"] == "Sorry, I don't know that place in Warwickshire."
    messages, contract = turn(stack, "narrow-village", "harbury village")
    texts = [m.get("text", "") for m in messages]
    assert texts[0].startswith("Sorry, I still can't find that place, so I won't ask again.")
    assert contract["services"] and not any("town or" in t for t in texts[1:])
    assert texts[-1] == "Was this helpful?"


def test_a_topic_question_during_the_question_is_answered_not_taken_as_a_place(stack):
    turn(stack, "narrow-topic", "any groups near me?")
    texts, contract = say(stack, "narrow-topic", "i feel so low since the baby came")
    assert contract["topic"] == "low-mood" and texts[0].startswith("Feeling low or down\n")
    assert "Sorry, I don't know that place" not in " ".join(texts)
    # The form has ended; a place given later still finds services for it.
    texts, contract = say(stack, "narrow-topic", "Rugby")
    assert contract["services"] and contract["insight"]["district"] == "rugby"


def test_a_new_place_given_in_small_talk_after_a_list_finds_services_there(stack):
    # The eighth user test: "oh sorry thats my old postcode, we're in atherstone now", after a
    # list, got "I'm glad to hear that" (the NLU read it as safe_now at 0.41).
    turn(stack, "narrow-moved", "any support groups for dads in rugby")
    moved = "oh sorry thats my old postcode, we're in atherstone now"
    texts, contract = say(stack, "narrow-moved", moved)
    assert contract["services"] and contract["insight"]["district"] == "north-warwickshire"
    assert contract["insight"]["audience"] == "dad-or-partner"  # still the dads' services
    assert not any("glad to hear" in t for t in texts)


def test_a_home_named_after_a_list_wins_over_the_place_given_before(stack):
    # The ninth user test: "actually we live out in atherstone, i just work in rugby. anything
    # nearer home?" got Rugby's list again.
    turn(stack, "narrow-home", "Are there any groups for dads round Rugby?")
    moved = "cheers. actually we live in atherstone, i just work in rugby. anything nearer home?"
    _, contract = say(stack, "narrow-home", moved)
    assert contract["services"] and contract["insight"]["district"] == "north-warwickshire"


def test_turning_a_list_down_to_talk_about_himself_gets_an_answer_not_the_list(stack):
    # The ninth user test: a dad's first words about his own mood, after a list of dads'
    # groups, got the list again ("groups" read as a request).
    turn(stack, "narrow-not-groups", "Are there any groups for dads round Rugby?")
    texts, contract = say(
        stack,
        "narrow-not-groups",
        "tbh its not really the groups. ive been feeling a bit flat since the baby came. snappy"
        " with the missus, not sleeping, dont really enjoy stuff",
    )
    assert contract["services"] == [] and contract["topic"] in ("dads", "low-mood"), texts


def test_thanks_after_a_list_gets_youre_welcome_not_the_list_again(stack):
    # The ninth user test: "ok thanks I'll try the wellbeing number" got the same list again.
    turn(stack, "narrow-thanks", "any support groups for mums in warwick")
    texts, contract = say(stack, "narrow-thanks", "ok thanks I'll try the wellbeing number")
    assert contract["services"] == []
    assert texts == [get_responses()["utter_thanks"][0]["text"]]


def test_a_question_under_a_list_gets_its_answer_not_the_list_again(stack):
    # The ninth user test: "How do I refer myself... is it a form or a phone call?" got the same
    # list again.
    focus = focus_of("asking-for-help", "self-referral")
    turn(stack, "narrow-how", "any support groups for mums in warwick")
    texts, contract = say(
        stack, "narrow-how", "How do I refer myself? is it a form or a phone call?"
    )
    assert contract["services"] == []
    assert texts == [focus.answer]


def test_a_question_about_one_listed_service_gets_its_card_alone(stack):
    # The tenth user test: five questions about one card each got the whole list again.
    turn(stack, "narrow-one", "hiya, are there any support services near me? im in kenilworth")
    messages, contract = turn(
        stack,
        "narrow-one",
        "the talking therapies one - how do i contact them? is it a phone call or a form?",
    )
    assert contract["services"] == ["cw-talking-therapies"]
    name = contract["cards"][0]["name"]
    assert messages[-1]["text"] == message("service_named_website", name=name)["text"]


@pytest.mark.parametrize(
    ("text", "topic", "focus_id"),
    [
        # The ninth user test: a single mum's nights got the answer for every parent, and a
        # grandmother's question got the relationships topic, written to a couple.
        (
            "how do people do night feeds with nobody to take a turn?",
            "sleep-and-exhaustion",
            "single-parent-nights",
        ),
        ("How do I raise it without upsetting her?", "asking-for-help", "raising-a-worry"),
        # The twelfth user test's young dad got the topic on scary thoughts about a baby.
        (
            "should i just ask him straight out if hes thinking of topping himself? or does "
            "that put the idea in his head",
            "asking-for-help",
            "asking-about-suicide",
        ),
    ],
)
def test_nights_alone_raising_a_worry_and_asking_about_suicide_get_their_own_answers(
    stack, text, topic, focus_id
):
    texts, contract = say(stack, f"ut9-{focus_id}", text)
    assert contract["topic"] == topic and contract["safety"] == "none"
    assert texts == [focus_of(topic, focus_id).answer]


def test_a_crisis_during_the_question_gets_crisis_help_first_and_no_is_heard(stack):
    turn(stack, "narrow-crisis", "any groups near me?")
    texts, contract = say(stack, "narrow-crisis", "I just want to die")
    assert contract["safety"] == "urgent"
    assert "116 123" in texts[0] and texts[-1] == "Are you safe right now?"
    # "no" is still heard as the answer to "are you safe?", not as a skip of the question.
    texts, contract = say(stack, "narrow-crisis", "no")
    assert contract["safety"] == "emergency" and "999" in texts[0]
    assert texts[-1].startswith("Thank you for telling me. Please call one of those numbers")


def test_a_hostile_area_that_gets_past_the_channel_is_refused_and_not_stored(stack):
    # The channels refuse /inform{"area": "<script>"} before Rasa; this goes round them, through
    # Rasa's own API, to check that the form itself never keeps an unknown value.
    sender = "narrow-hostile"
    turn(stack, sender, "any groups near me?")
    api = f"{stack.config.rasa_url}/conversations/{sender}"
    reply, _ = post(
        f"{api}/trigger_intent?token={stack.api_token}",
        {"name": "inform", "entities": {"area": "<script>alert(1)</script>"}},
    )
    assert isinstance(reply, dict)
    texts = [m.get("text") for m in reply["messages"]]
    assert texts[0] == "Sorry, I don't know that place in Warwickshire."
    tracker = reply["tracker"]
    assert tracker["slots"]["area"] is None
    assert tracker["active_loop"]["name"] == "service_filter_form"  # asked again


def test_markup_in_a_message_is_not_read_and_not_stored(stack):
    # "<script>alert(1)</script> hi" was read by the NLU as asking for crisis help ("alert").
    texts, contract = say(stack, "hostile-markup", "<script>alert(1)</script> hi")
    assert contract["safety"] == "none"
    assert texts == say(stack, "hostile-markup-plain", "hi")[0]
    events = stack.tracker("hostile-markup")["events"]
    typed = [e.get("text") or "" for e in events if e.get("event") == "user"]
    assert typed == ["hi"]
    texts, _ = say(stack, "hostile-markup-alone", "<img src=x onerror=alert(1)>")
    assert texts == [message("command_error")["text"]]


def test_a_crisis_during_the_question_with_the_action_server_down_still_gets_crisis_help(stack):
    # The form reads every reply through the action server; if that is down, the channel still
    # sends the fixed crisis text first (Rasa's check-in needs the form's validation to refuse).
    turn(stack, "narrow-down", "any groups near me?")
    actions = next(p for p in stack.procs if p.name == "actions")
    os.killpg(actions.popen.pid, signal.SIGKILL)
    actions.popen.wait(timeout=10)
    try:
        texts, contract = say(stack, "narrow-down", "im going to kill myself tonight")
        assert contract["safety"] == "emergency" and "999" in texts[0]
    finally:
        stack.restart("actions")


def test_no_to_the_safety_question_answers_what_the_parent_asked(stack):
    from cradle.responses import message
    from tests.conftest import check_band_message

    text = check_band_message()
    messages, contract = turn(stack, "check-then-topic", text)
    assert messages[0]["text"] == "Are you or your baby in danger right now?"
    assert "topic" not in contract or contract["topic"] is None  # asked first, not answered
    messages, contract = turn(stack, "check-then-topic", "/deny")  # the "No" button
    assert messages[0]["text"] == message("check_cleared_topic")["text"]
    assert messages[1]["text"].startswith("Feeling low")
    assert contract["topic"] == "low-mood"
    # the topic travelled as an id: the words of the message the net was unsure about are not
    # in the tracker, and the pending topic is cleared once answered
    db = sqlite3.connect(stack.config.var / "tracker.db")
    rows = db.execute("SELECT data FROM events WHERE sender_id = 'check-then-topic'").fetchall()
    db.close()
    assert not any(text in row[0] for row in rows)
    slots = [json.loads(row[0]) for row in rows if '"event": "slot"' in row[0]]
    pending = [e["value"] for e in slots if e.get("name") == "pending_topic"]
    assert pending == ["low-mood", None]


# Requests the net is unsure of (the thirty-third user test's pregnant mum, the thirty-second's
# dad): one of them must still be in the check band (README, sixty-first session).
HELD_REQUESTS = (
    "is there anyone i can actually talk to in the evenings? once my little one is in bed thats "
    "when it all hits me",
    "no i mean does it cost money to talk to someone like a counsellor",
)


def test_no_to_the_safety_question_about_a_request_gets_its_list(stack):
    from cradle.responses import message
    from cradle.safety import classify
    from cradle.turn import services_search

    asked = [t for t in HELD_REQUESTS if classify(t).needs_check and services_search(t)]
    if not asked:
        pytest.fail(f"none of {HELD_REQUESTS} is a request in the check band now: add one")
    sender = "check-then-request"
    messages, _ = turn(stack, sender, asked[0])
    assert messages[0]["text"] == "Are you or your baby in danger right now?"
    messages, contract = turn(stack, sender, "/deny")  # the "No" button
    assert messages[0]["text"] == message("check_cleared_topic")["text"]
    assert contract["services"], messages
    assert not any(m.get("text", "").startswith("Thank you. I'm glad.") for m in messages)


def test_no_after_a_dads_thought_of_crashing_the_car_answers_low_mood_not_thoughts_of_the_baby(
    stack,
):
    # The twenty-fifth user test's dad was told "Dads get scary, unwanted thoughts about their
    # baby too" (docs/safety.md, fifty-fifth session).
    from cradle.content import DADS_AUDIENCE
    from cradle.responses import message
    from tests.conftest import CHECK_BAND_CRASHING, check_band_message

    sender = "dad-crash-thought"
    turn(stack, sender, "im a dad")
    messages, _ = turn(stack, sender, check_band_message(CHECK_BAND_CRASHING))
    assert messages[0]["text"] == "Are you or your baby in danger right now?"
    messages, contract = turn(stack, sender, "/deny")
    assert messages[0]["text"] == message("check_cleared_topic")["text"]
    assert contract["topic"] == "low-mood"
    assert get_topic("low-mood").short_text(DADS_AUDIENCE) in messages[1]["text"]
    assert "about their baby" not in " ".join(m.get("text", "") for m in messages)


def test_keyboard_mash_after_a_service_list_is_not_understood(stack):
    # The fourth user test: "asdfghjkl" after a list for Nuneaton got the same list again.
    sender = "parent-mash"
    _, contract = say(stack, sender, "any groups for new mums in nuneaton")
    assert contract["services"]
    texts, contract = say(stack, sender, "asdfghjkl")
    assert contract["services"] == []
    assert texts == [get_responses()["utter_please_rephrase"][0]["text"]]


def test_services_in_another_language_say_what_cradle_cannot_tell_first(stack):
    # The fourth user test: "do you have any services in polish" got the Nuneaton list again.
    sender = "parent-polish"
    say(stack, sender, "any groups for new mums in nuneaton")
    texts, contract = say(stack, sender, "do you have any services in polish")
    assert texts[0] == message("services_language")["text"]
    assert contract["services"]  # the list still follows


@pytest.mark.parametrize(
    "text",
    [
        "who runs cradle",
        "are the services quality checked",
        "how do i complain",
        "Who reviewed the advice you give? Is it clinically signed off?",
    ],
)
def test_questions_about_cradle_itself_get_who_runs_it_and_how_services_are_checked(stack, text):
    # The fourth user test: a council officer's "who runs cradle" got a service list and "are
    # services quality-checked" the privacy text; there was no word on complaints. The seventh:
    # asked who reviewed the advice, an officer was not told that no one has yet.
    texts, contract = say(stack, f"officer-{abs(hash(text))}", text)
    assert texts == [
        message("about_cradle")["text"],
        message("about_no_operator")["text"],  # content/operator.yml names no one yet
        message("about_quality_sample")["text"],
        message("about_content_draft")["text"],  # no topic is approved yet
        message("about_feedback")["text"],
    ]
    assert contract["services"] == []


@pytest.mark.parametrize(
    ("text", "first", "then"),
    [
        (
            "Are the services you list quality-checked or kite-marked in any way? Who decides "
            "what goes on the list and how often is it updated?",
            message("about_listing", months="12")["text"],
            message("about_quality_sample")["text"],
        ),
        (
            "Who is the data controller for the chats, and is there a privacy notice or contact "
            "email for the Cradle project I can pass to our information governance team?",
            message("about_no_data_controller")["text"],
            message("about_feedback")["text"],
        ),
        # The seventeenth user test's commissioner.
        (
            "How does a local service get added to your list, and how would it get a quality mark?",
            message("about_listing", months="12")["text"],
            message("about_quality_sample")["text"],
        ),
    ],
)
def test_a_question_about_cradle_gets_its_own_answer_not_the_whole_block(stack, first, then, text):
    # The fifteenth user test's council officer asked these after "who runs this service?" and
    # got the same whole answer three times (forty-fourth session).
    sender = f"officer-{abs(hash(first))}"
    whole, _ = say(stack, sender, "Could you tell me what you are and who runs this service?")
    assert whole[0] == message("about_cradle")["text"]
    texts, contract = say(stack, sender, text)
    assert texts == [first, then]
    assert contract["services"] == []


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Do you replace the health visitor or the GP?", "about_not_a_replacement"),
        (
            "How do you decide when to tell someone to ring 999? Like if a mum says something "
            "worrying, does anyone get told?",
            "about_crisis_decisions",
        ),
        # The seventeenth user test's commissioner: the whole block twice, the privacy answer,
        # and a service list for Nuneaton.
        (
            "How does parents' feedback reach the services you list? If a parent says a service"
            " was unhelpful, does that service ever hear about it?",
            "about_counts_and_feedback",
        ),
        (
            "Does Cradle work by text message (SMS) as well as the web chat? Many of our families"
            " don't have data.",
            "about_by_text",
        ),
        # The sixteenth user test's non-birth mum got the dads topic again.
        (
            "the 'for dads and partners' button, is that meant for me? i'm not a dad lol",
            "about_partners_section",
        ),
        (
            "You mention counts kept to plan services. What's in those counts, and could the"
            " council see them, e.g. how many parents in Nuneaton asked about low mood?",
            "about_counts_and_feedback",
        ),
    ],
)
def test_whether_cradle_replaces_or_tells_anyone_is_answered_as_a_question_about_it(
    stack, text, answer
):
    # The sixteenth user test's health visitor got the "Asking for help" topic and service
    # cards (forty-fifth session).
    texts, contract = say(stack, f"health-visitor-{answer}", text)
    assert texts == [message(answer)["text"]]
    assert contract["topic"] is None and contract["services"] == []


def test_find_support_near_me_after_a_worry_in_the_parents_own_words_asks_where(stack):
    # The ninth user test's question, answered from its own words: "Find support near me" under
    # that answer got "Is there anything else I can help with?" (thirty-sixth session).
    sender = "own-words-near-me"
    texts, contract = say(
        stack, sender, "any way to get a same day GP appointment? or should I just ring 111"
    )
    assert contract["topic"] == "asking-for-help"
    texts, _ = say(stack, sender, "/find_services")  # "Find support near me"
    assert texts[-1].startswith("Which town or area do you live in?")


def test_find_support_near_me_pressed_after_youre_welcome_still_finds_support(stack):
    # The nineteenth user test's mum pressed an old "Find support near me" after "You're
    # welcome" and got "Is there anything else I can help with?" (README, forty-eighth session).
    sender = "old-near-me"
    texts, contract = say(stack, sender, "i feel so low since the baby came")
    assert contract["topic"] == "low-mood"
    texts, _ = say(stack, sender, "thanks")
    assert "welcome" in texts[0].lower()
    texts, _ = say(stack, sender, "/find_services")  # the answer's button, pressed now
    assert texts[-1].startswith("Which town or area do you live in?"), texts
    texts, contract = say(stack, sender, "Rugby")
    assert contract["services"] and not any("anything else" in t for t in texts)


def test_a_parenting_course_after_the_tantrums_answer_shows_the_service_the_line_names(stack):
    # The twenty-first user test's mum of a toddler: the list for the crying-baby topic is
    # Samaritans alone, and the Family Information Service the line named had no card (README,
    # fiftieth session).
    sender = "parenting-course-tantrums"
    say(stack, sender, "my daughter is 20 months and the tantrums at bedtime are awful")
    texts, contract = say(stack, sender, "is there a parenting course near warwick?")
    assert " ".join(texts[0].split()) == message("services_parenting_none")["text"], texts
    assert contract["services"][0] == "warwickshire-fis"
    # Then "whats their number" got the answer about Cradle (README, fifty-first session): now
    # the card of the service the line named, and what it holds.
    texts, contract = say(stack, sender, "whats their number")
    assert contract["services"] == ["warwickshire-fis"], texts
    name = contract["cards"][0]["name"]
    assert " ".join(texts[-1].split()) == message("service_named_website", name=name)["text"]


def test_money_advice_asked_after_a_dads_list_is_said_to_be_unlisted(stack):
    # The twenty-first user test's dad got "You're welcome" for his thanks with a question,
    # then mental-health cards with no word that none was about money (README, fiftieth).
    money = message("services_money_none")["text"]
    sender = "money-dad"
    _, contract = say(stack, sender, "is there any support for dads near rugby")
    assert contract["services"]
    texts, contract = say(
        stack,
        sender,
        "thanks thats more like it. anything for the money side? like debt advice or what "
        "benefits we can get when baby comes",
    )
    assert " ".join(texts[0].split()) == money, texts
    texts, _ = say(stack, sender, "yeah, debt advice or benefits help near rugby")
    assert " ".join(texts[0].split()) == money, texts


def test_money_help_asked_for_in_other_words_gets_the_money_line(stack):
    # The twenty-second user test's dad got mental-health cards with no word (README,
    # fifty-second session).
    said = "what can we claim, is there anything for new babies"
    texts, contract = say(stack, "money-other-words", said)
    assert " ".join(texts[0].split()) == message("services_money_none")["text"], texts
    assert contract["services"], texts


COST_LINES = ("Free:", "May charge", "I don't know what these cost:")
OPENING_LINES = ("Open day and night:", "Open now:", "Not open now:", "I don't have opening times")


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        # The twenty-fourth user test's dad got the same list again (README, fifty-third
        # session).
        ("do any of them cost anything? money is already tight", COST_LINES),
        # Tried on the real servers: "Sorry, I can't help with that" (README, fifty-seventh
        # session).
        ("are any of them open now?", (*OPENING_LINES, "None of these")),
    ],
)
def test_a_question_about_every_service_listed_gets_its_lines_not_the_list(stack, question, lines):
    sender = f"whole-list-{question.split()[3]}"
    _, contract = say(stack, sender, "whats there for dads near me? im in nuneaton")
    assert contract["services"]
    texts, contract = say(stack, sender, question)
    assert not contract["services"], texts  # not the list again
    assert texts and all(t.startswith(lines) for t in texts), texts
    assert contract["safety"] == "none", texts


def test_a_question_about_a_listed_app_is_answered_with_its_card(stack):
    # The twenty-eighth user test's dad got "I can tell you about..." twice (README, fifty-seventh
    # session): read as asking what Cradle can do.
    sender = "whats-dadpad"
    _, contract = say(
        stack, sender, "is there anything for dads near me? im in stratford upon avon"
    )
    assert "dadpad-warwickshire" in contract["services"]
    texts, contract = say(stack, sender, "whats the dadpad thing? is it free")
    assert contract["services"] == ["dadpad-warwickshire"], texts
    assert texts[0].startswith("I don't know what DadPad app"), texts


def test_practical_questions_about_services_get_what_cradle_knows(stack):
    # The twenty-seventh user test (README, "Is Samaritans open now?...", fifty-seventh session).
    sender = "practical-questions"
    _, contract = say(stack, sender, "im in bedworth, what help is there for birth trauma")
    assert contract["services"]
    texts, contract = say(stack, sender, "how long is the wait tho")
    assert message("services_wait_unknown")["text"] in texts, texts
    texts, contract = say(stack, sender, "does it cost anything? we cant afford private")
    assert texts[0].startswith(COST_LINES), texts
    texts, contract = say(
        stack, sender, "is samaritans actualy open now its 1am. and is there anything for crying"
    )
    assert texts[0] == "Samaritans is open day and night.", texts
    assert contract["services"] == ["samaritans"], texts


@pytest.mark.parametrize(
    "text",
    [
        "hi. sorry its late. i have a 5 week old",
        # The twenty-fifth user test's Rugby dad got the dads topic (README, fifty-sixth session).
        "hi. im a dad, my baby is 2 weeks old",
    ],
)
def test_a_hello_with_the_babys_age_is_welcomed_not_turned_away(stack, text):
    # The twenty-fourth user test's Stratford mum was told "Sorry, I can't help with that"
    # (README, fifty-fourth session).
    texts, contract = say(stack, f"hello-{len(text)}", text)
    assert not any("can't help with that" in t for t in texts), texts
    assert "What's on your mind?" in texts[0] and not contract["topic"], texts


def test_what_can_we_claim_from_a_dad_is_a_request_for_money_help(stack):
    # The twenty-third user test's dad got the dads' topic (README, fifty-third session).
    texts, contract = say(stack, "money-dad-claims", "dad here. what can we claim for the baby")
    assert " ".join(texts[0].split()) == message("services_money_none")["text"], texts
    assert contract["services"] and not contract["topic"], texts


def test_a_listed_service_asked_about_by_name_is_not_a_word_to_explain(stack):
    # The twenty-third user test's dad got "I don't have that word in my list yet" (README,
    # fifty-second session).
    sender = "saturdads-by-name"
    _, contract = say(stack, sender, "are there any groups for dads in rugby")
    assert "saturdads-rugby" in contract["services"]
    say(stack, sender, '/topic_more{"section": "help_today"}')
    texts, contract = say(stack, sender, "cheers. whats saturdads? is it free")
    assert contract["services"] == ["saturdads-rugby"], texts
    assert message("term_unknown")["text"] not in texts
    # Its cost is not recorded: said so, never guessed (README, "Is it free?", fifty-third
    # session).
    assert texts[0] == "I don't know what SaturDads (Rugby) costs: check with them first.", texts


@pytest.mark.parametrize(
    ("text", "service", "first"),
    [
        ("what is CALM", "calm-helpline", None),
        ("is the CALM helpline free", "calm-helpline", "CALM helpline is free."),
        # Her own words (README, "Other names a service goes by", fifty-eighth session).
        (
            "is the perinatal team free",
            "cwpt-perinatal-mental-health",
            "Perinatal mental health team (Coventry and Warwickshire) is free.",
        ),
    ],
)
def test_a_service_asked_about_by_name_with_no_list_gets_its_card(stack, text, service, first):
    # README, "What is CALM?" (fifty-sixth session): "Sorry, I don't have that word", and a
    # list of county and national services.
    texts, contract = say(stack, f"by-name-{len(text)}", text)
    assert contract["services"] == [service], texts
    assert message("term_unknown")["text"] not in texts
    assert first is None or texts[0] == first, texts


def test_is_calm_ok_for_dads_gets_who_it_is_for_and_its_card(stack):
    # The twenty-fifth user test's dad got the dads topic (README, "Is CALM ok for dads?",
    # fifty-eighth session).
    texts, contract = say(stack, "calm-for-dads", "is CALM ok for dads")
    assert contract["services"] == ["calm-helpline"], texts
    assert texts[0] == "Yes: CALM helpline is for dads and partners.", texts


def test_can_men_call_the_abuse_helpline_gets_the_line_for_men(stack):
    # It got "No: ... Ask me for support for dads and partners", which found the dads' list,
    # not the Men's Advice Line (README, "Can men call the National Domestic Abuse Helpline?",
    # fifty-ninth session).
    texts, contract = say(
        stack, "abuse-line-men", "can men call the national domestic abuse helpline"
    )
    assert contract["services"] == ["mens-advice-line"], texts
    assert texts[0] == (
        "No: National Domestic Abuse Helpline is not set up for dads and partners. For dads and "
        "partners, there is Men's Advice Line."
    ), texts


def test_what_even_is_the_perinatal_team_gets_the_team_not_the_word(stack):
    # The twenty-ninth user test's mum got what "perinatal" means (README, fifty-eighth session).
    from cradle.glossary import get_glossary

    texts, _ = say(
        stack,
        "what-perinatal-team",
        "my friend said to ask about the perinatal team. what even is that",
    )
    team = get_glossary().lookup("perinatal mental health team").explanation
    assert [" ".join(t.split()) for t in texts] == [" ".join(team.split())], texts


def test_anything_for_dads_round_rugby_or_all_for_mums_gets_services(stack):
    # The twenty-ninth user test's Rugby dad got "Cradle is for dads and partners too" (README,
    # fifty-eighth session).
    texts, contract = say(
        stack,
        "dads-round-rugby",
        "is there actually anything for dads round rugby or is it all for mums",
    )
    services = contract["services"]
    assert "saturdads-rugby" in services, texts
    if not is_night(dt.datetime.now(tz=LONDON)):
        # Rugby's dads' group first by day; after 9pm those open now come first (README,
        # "Ranking fits the person and the hour"): a run at night put CALM first.
        assert services[0] == "saturdads-rugby", services
    assert message("about_for_dads")["text"] not in texts


def test_can_dads_use_it_too_gets_a_plain_yes(stack):
    # The twenty-sixth user test's dad got the list of topics (README, fifty-sixth session).
    texts, _ = say(stack, "dads-too", "hey. is this just for mums or can dads use it too")
    assert texts == [message("about_for_dads")["text"]], texts


@pytest.mark.parametrize(
    "asked",
    [
        # The thirty-third user test's grandmother got a list of services (README, sixty-first
        # session).
        "hi sorry its late. is any of this for grandparents or just mums",
        # The thirty-fourth's grandad got the dads topic ("This whole page is for you").
        "is this thing even for someone like me tho? im his dad, the grandad. not the parent of"
        " the baby",
    ],
)
def test_is_any_of_this_for_grandparents_gets_a_plain_yes(stack, asked):
    texts, _ = say(stack, f"family-too-{len(asked)}", asked)
    assert texts == [message("about_for_family")["text"]], texts


def test_calm_opening_hours_after_a_list_gets_the_calm_card_not_the_crying_baby(stack):
    # The twenty-sixth user test's Nuneaton dad got "Coping with a crying baby" (README, "calm
    # opening hours").
    sender = "calm-opening-hours"
    _, contract = say(stack, sender, "im in nuneaton, is there anything local for dads")
    assert "calm-helpline" in contract["services"]
    texts, contract = say(stack, sender, "calm opening hours")
    assert contract["services"] == ["calm-helpline"], texts
    assert contract["topic"] != "crying-baby" and not any("shake" in t for t in texts), texts


def test_a_parenting_course_asked_for_and_a_listed_service_turned_down(stack):
    # The nineteenth user test's mum in Stratford: a list with no course and no word, then "Here
    # is Samaritans" twice for turning Samaritans down (forty-seventh session).
    none = message("services_parenting_none")["text"]
    sender = "parenting-course-1"
    texts, contract = say(
        stack, sender, "is there like a parenting course or group near me? im in stratford"
    )
    assert " ".join(texts[0].split()) == none and contract["services"], texts
    # The service that line names leads the list, at any hour (README, fiftieth session).
    assert contract["services"][0] == "warwickshire-fis"
    for said in (
        "none of them are parenting courses tho? samaritans isnt what i need lol",
        "no i dont want samaritans. parenting course for toddler tantrums, does warwickshire "
        "have one??",
    ):
        texts, contract = say(stack, sender, said)
        assert not any(t.startswith("Samaritans: ") for t in texts), texts
        assert " ".join(texts[0].split()) == none and contract["services"][0] == "warwickshire-fis"


def test_a_place_named_in_a_held_message_is_not_asked_for_again(stack):
    # The thirty-first user test's grandmother named Atherstone in her first message and was
    # asked for her town later (README, "a place said once is kept", sixtieth session).
    sender = "place-said-once"
    texts, contract = say(
        stack,
        sender,
        "my son's partner in atherstone had a baby 3 weeks ago and cries all day, im really "
        "worried",
    )
    assert stack.tracker(sender)["slots"].get("area") == "north-warwickshire", texts
    say(stack, sender, "/deny")  # "No" to "Are you or your baby in danger right now?"
    texts, contract = say(
        stack,
        sender,
        "thats about couples. who could she talk to? shes not from round here and doesnt know "
        "anyone",
    )
    assert contract["services"], texts
    question = " ".join(message("ask_area_to_narrow")["text"].split())
    assert not any(question in " ".join(t.split()) for t in texts), texts
    assert any("North Warwickshire" in t for t in texts), texts
