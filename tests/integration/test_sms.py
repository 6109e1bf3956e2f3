"""The SMS channel against the real servers, with requests signed by twilio's RequestValidator."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from cradle.content import get_topic
from cradle.launcher import Stack
from cradle.responses import SMS_CHANNEL, get_responses, message, safety_message
from cradle.sms import MAX_REPLY_SEGMENTS, fold_to_gsm, is_gsm7, segments
from tests.conftest import TWILIO_TOKEN
from tests.integration.test_conversation import focus_of
from tests.integration.test_safety_holes import (
    LEAMINGTON_DAD,
    LEAMINGTON_MUM,
    SIGNS_RULED_OUT,
    THOUGHTS_BACK,
)

pytestmark = pytest.mark.integration
PUBLIC = "https://cradle.example.org/webhooks/twilio/webhook"


def post_sms(
    stack: Stack,
    params: dict[str, str],
    signature: str | None = "sign",
    token: str = TWILIO_TOKEN,
    rasa_url: str | None = None,
) -> tuple[int, str]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature == "sign":
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(PUBLIC, params)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    request = urllib.request.Request(
        f"{rasa_url or stack.config.rasa_url}/webhooks/twilio/webhook",
        data=urllib.parse.urlencode(params).encode(),
        headers=headers,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def text_sms(
    stack: Stack, number: str, body: str | None, rasa_url: str | None = None, whole: bool = False
) -> str | None:
    """The reply Twilio would send. Every reply, with the notice a new texter gets, fits the
    segment limit; unless `whole`, the notice line is taken out so that a test reads the reply
    itself (the notice's own tests read it whole)."""
    params = {
        "From": number,
        "To": "+441632960000",
        "MessageSid": "SM" + "0" * 32,
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }
    if body is not None:
        params["Body"] = body
    status, xml = post_sms(stack, params, rasa_url=rasa_url)
    assert status == 200, xml
    found = ET.fromstring(xml).find("Message")  # noqa: S314 - our own server's TwiML
    if found is None or found.text is None or whole:
        return None if found is None else found.text
    assert segments(found.text) <= MAX_REPLY_SEGMENTS, found.text
    notice = message("sms_first_notice")["text"]
    return "\n".join(line for line in found.text.split("\n") if line != notice)


def test_a_conversation_by_text_with_numbered_replies(stack):
    number = "+447700900001"
    reply = text_sms(stack, number, "feeling really low since the baby")
    assert reply and reply.startswith("Feeling low after a baby")
    assert "Reply 1=Find support near me 2=Tell me more" in reply
    assert segments(reply) <= 3 and is_gsm7(reply)
    reply = text_sms(stack, number, "1")
    assert reply and reply.startswith("Which town or area")
    reply = text_sms(stack, number, "3")  # Rugby
    # Which lines come first depends on the hour (open-now first), so the check is that a
    # number to call is in the text, whatever the time of the test run.
    assert (
        reply and "Rugby" in reply and re.search(r"\b(0\d{3} ?\d{2,3} ?\d{2,4}|111|116 123)", reply)
    )
    assert segments(reply) <= 3


def test_a_new_texter_is_told_cradle_is_automated_once_a_conversation(stack):
    # README, "A new texter is told Cradle is automated".
    notice = message("sms_first_notice")["text"]
    number = "+447700900126"
    reply = text_sms(stack, number, "been crying all day, feel so low", whole=True)
    assert reply and reply.startswith("Feeling low after a baby")
    lines = reply.split("\n")
    assert lines.count(notice) == 1 and lines[-1].startswith("Reply 1=")
    assert lines.index(notice) == len(lines) - 2  # after the answer, before its options
    reply = text_sms(stack, number, "2", whole=True)  # Tell me more
    assert reply and notice not in reply
    # A crisis first: the crisis help first and whole; the notice in the same text if it fits,
    # else in the next.
    reply = text_sms(stack, "+447700900127", "i want to kill myself tonight", whole=True)
    crisis = fold_to_gsm(safety_message("emergency", SMS_CHANNEL)["text"])
    assert reply and reply.startswith(crisis) and segments(reply) <= MAX_REPLY_SEGMENTS
    assert notice in reply  # the emergency reply and its question leave room
    # The urgent reply and its question fill the text: the next reply tells it, once.
    number = "+447700900129"
    reply = text_sms(stack, number, LEAMINGTON_MUM, whole=True)
    assert reply and reply.startswith(fold_to_gsm(safety_message("urgent", SMS_CHANNEL)["text"]))
    assert notice not in reply
    after = text_sms(stack, number, "1", whole=True)  # I'm safe for now
    assert after and after.count(notice) == 1
    assert notice not in (text_sms(stack, number, "thank you", whole=True) or "")
    # The greeting says so already.
    reply = text_sms(stack, "+447700900128", "hello", whole=True)
    assert reply and "automated" in reply and notice not in reply
    # So does HELP: the question after it is not told again (README, "HELP and START count as
    # telling a texter").
    number = "+447700900130"
    reply = text_sms(stack, number, "HELP", whole=True)
    assert reply and "automated" in reply and notice not in reply
    reply = text_sms(stack, number, "been crying all day, feel so low", whole=True)
    assert reply and reply.startswith("Feeling low after a baby") and notice not in reply
    # And an empty text that carried it (README, "An empty text that carried the line counts
    # as telling a texter").
    number = "+447700900131"
    reply = text_sms(stack, number, None, whole=True)
    assert reply and reply.startswith("Your message was empty") and notice in reply
    reply = text_sms(stack, number, "been crying all day, feel so low", whole=True)
    assert reply and reply.startswith("Feeling low after a baby") and notice not in reply


def test_a_question_about_someone_else_by_text_offers_the_parents_own_answer_by_number(stack):
    # Read wrongly as about someone else, a parent by text gets back to their own answer with
    # one digit, as the "It's about me" button does on the web.
    number = "+447700900079"
    topic = get_topic("low-mood")
    helping = " ".join(topic.meta["sms_helping"].split())
    reply = text_sms(stack, number, "my daughter had a baby and she seems so down")
    assert reply == f"{helping}\nReply 1=Find support near me 2=Tell me more 3=It's about me"
    assert segments(reply) <= 2 and is_gsm7(reply)
    # "Tell me more" gives the part written for them, and the way back stays on it.
    reply = text_sms(stack, number, "2")
    assert reply and "If someone you care about seems low" in reply
    assert reply.endswith("3=It's about me") and segments(reply) <= 3 and is_gsm7(reply)
    reply = text_sms(stack, number, "3")
    assert reply and reply.startswith(" ".join(topic.sms_text().split()))
    assert "3=It's about me" not in reply


def test_a_twins_group_asked_for_by_text_names_twins_trust_and_says_none_of_its_own(stack):
    # The fourteenth user test's single mum of twins, by text: Twins Trust's line, then that the
    # list has nothing just for twins, within three segments.
    reply = text_sms(stack, "+447700900093", "is there a group for parents of twins, its so hard")
    assert reply and reply.startswith("Twins Trust, a charity for families with twins")
    assert "None just for parents of twins or more yet." in reply
    assert segments(reply) <= 3 and is_gsm7(reply)


def test_tell_me_more_by_text_after_a_young_parents_answer_says_how(stack):
    # The fourteenth user test's "Tell me more" after "Referring yourself", by text: asked
    # with a request for services, the short line and the area question come first; a worry
    # of the same topic asked without one ("Being a young parent") is carried on by "2".
    number = "+447700900092"
    reply = text_sms(stack, number, "im 17 and pregnant, will the midwife tell my mum")
    # Its short text without its title (README, fifty-first session).
    assert reply and reply.startswith("A midwife, GP or health visitor"), reply
    reply = text_sms(stack, number, "2")
    assert reply and "Find an NHS talking therapies service" in reply
    assert segments(reply) <= 3 and is_gsm7(reply)


@pytest.mark.parametrize(
    ("signature", "token"),
    [(None, TWILIO_TOKEN), ("bm90IGEgc2lnbmF0dXJl", TWILIO_TOKEN), ("sign", "another-token")],
)
def test_bad_or_missing_signatures_are_refused(stack, signature, token):
    status, _ = post_sms(stack, {"From": "+447700900002", "Body": "hello"}, signature, token)
    assert status == 403
    # The rejection is logged for the operator, without the sender's number.
    logs = b"".join(p.read_bytes() for p in Path(stack.config.var, "logs").glob("*"))
    assert b"SMS webhook rejected" in logs
    assert b"447700900002" not in logs


def test_a_missing_body_gets_a_helpful_reply(stack):
    reply = text_sms(stack, "+447700900003", None)
    assert reply and reply.startswith("Your message was empty")


def test_unicode_emoji_and_curly_quotes_are_understood_and_replies_are_gsm(stack):
    reply = text_sms(
        stack, "+447700900004", "I\u2019m so tired \U0001f62d\U0001f62d can\u2019t cope"
    )
    assert reply and is_gsm7(reply)


# A long, rambling message as parents send at night (over 1,000 characters), about low mood.
LONG_LOW_MOOD = (
    "Right, this turned into an essay. Since my son was born I have felt low nearly every day "
    "and I can't work out why, because on paper everything is fine. My partner is kind, my mum "
    "comes round on Tuesdays and the baby is feeding well now. But I wake up with a heavy "
    "feeling and it sits on me all day. I cry in the shower so nobody hears. I used to love "
    "going out with my friends and now I make excuses. I feel flat, like the colour has gone "
    "out of things, and I feel guilty for feeling like this when I wanted him so much. "
) * 2 + "Is this normal after a baby or is something wrong with me?"


def test_very_long_messages_are_cut_with_a_note(stack):
    assert len(LONG_LOW_MOOD) > 1000
    reply = text_sms(stack, "+447700900005", LONG_LOW_MOOD)
    assert reply and reply.startswith("Feeling low")  # the answer first, then the note
    assert "Your message was very long" in reply


def test_help_stop_and_start(stack):
    number = "+447700900006"
    assert "Samaritans 116 123" in (text_sms(stack, number, "HELP") or "")
    assert text_sms(stack, number, "STOP") is None
    assert text_sms(stack, number, "hello") is None  # nothing more is sent
    crisis = text_sms(stack, number, "i want to end my life")  # except crisis help
    assert crisis and "116 123" in crisis
    assert "MENU" in (text_sms(stack, number, "START") or "")
    assert text_sms(stack, number, "hello")


def test_menu_lists_topics_as_numbers(stack):
    number = "+447700900007"
    menu = text_sms(stack, number, "menu")
    assert menu and "1=Feeling low or down" in menu and "12=" in menu
    reply = text_sms(stack, number, "4")
    assert reply and reply.startswith("Many parents don't feel a rush of love")


def test_crisis_by_text_puts_crisis_help_first(stack):
    reply = text_sms(stack, "+447700900008", "im gonna kms tonight")
    assert reply and reply.startswith("You matter, and you need help right now. Call 999 now.")


def test_many_senders_at_once(stack):
    numbers = [f"+4477009001{i:02d}" for i in range(20)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        replies = list(pool.map(lambda n: text_sms(stack, n, "hello"), numbers))
    assert all(r and "automated" in r for r in replies)


def test_phone_numbers_never_reach_the_tracker_store_or_logs(stack):
    text_sms(stack, "+447700900999", "hello")
    tracker = Path(stack.config.var, "tracker.db").read_bytes()
    logs = b"".join(p.read_bytes() for p in Path(stack.config.var, "logs").glob("*"))
    for form in (b"447700900999", b"7700900999", b"7700 900999"):
        assert form not in tracker and form not in logs


# Every field Twilio posts for an inbound SMS; UK numbers leave the city, state and zip blank.
TWILIO_FIELDS = {
    "ToCountry": "GB",
    "ToState": "",
    "SmsMessageSid": "SM" + "1" * 32,
    "NumMedia": "0",
    "ToCity": "",
    "FromZip": "",
    "SmsSid": "SM" + "1" * 32,
    "FromState": "",
    "SmsStatus": "received",
    "FromCity": "",
    "FromCountry": "GB",
    "To": "+441632960000",
    "ToZip": "",
    "NumSegments": "1",
    "MessageSid": "SM" + "1" * 32,
    "AccountSid": "AC" + "0" * 32,
    "ApiVersion": "2010-04-01",
    "MessagingServiceSid": "",
}


@pytest.mark.parametrize(
    ("body", "media", "expected"),
    [
        ("feeling really low since the baby", "0", "Feeling low"),
        ("", "0", "Your message was empty"),
        ("", "1", "I can't open pictures"),
    ],
)
def test_genuine_requests_with_blank_fields_are_accepted(stack, body, media, expected):
    params = {**TWILIO_FIELDS, "From": "+447700900077", "Body": body, "NumMedia": media}
    status, xml = post_sms(stack, params)
    assert status == 200, xml
    text = ET.fromstring(xml).find("Message").text  # noqa: S314 - our own server's TwiML
    assert text.startswith(expected)


def test_a_number_that_is_not_a_choice_gets_the_choices_again(stack):
    number = "+447700900078"
    reply = text_sms(stack, number, "feeling really low since the baby")
    assert reply and "Reply 1=Find support near me 2=Tell me more" in reply
    reply = text_sms(stack, number, "7")
    assert reply == (
        "That number isn't one of the choices. Reply 1=Find support near me 2=Tell me more, "
        "or type your question."
    )
    reply = text_sms(stack, number, "1")  # the choices still stand
    assert reply and reply.startswith("Which town or area")


@pytest.mark.parametrize("opted_out", [False, True])
def test_abuse_by_text_says_to_delete_the_texts_not_a_chat(stack, opted_out):
    # "he checks my phone": by SMS there is no chat to clear, only texts. From Rasa's twilio
    # variation, and from the channel's own fixed reply to a number that texted STOP.
    number = "+447700900031" if opted_out else "+447700900032"
    if opted_out:
        assert text_sms(stack, number, "STOP") is None
    reply = text_sms(stack, number, "my partner hits me and i am scared of him")
    assert reply and "0808 2000 247" in reply
    assert "delete these texts" in reply and "delete this chat" not in reply


def test_who_runs_cradle_by_text_comes_whole(stack):
    # In its chat words it was four segments and the SMS cut the line on saying what was wrong.
    reply = text_sms(stack, "+447700900033", "who runs cradle")
    assert reply and reply.startswith("I'm Cradle, an automated helper")
    assert "no complaints route yet" in reply
    assert reply.endswith("To complain about a service, contact it.")
    assert segments(reply) <= 3


@pytest.mark.parametrize(
    ("number", "text", "first"),
    [
        ("+447700900081", "can i refer myself to talking therapies in southam", None),
        (
            "+447700900082",
            "is there a group for lgbt parents in southam",
            "None just for LGBTQ+ parents yet.",
        ),
    ],
)
def test_a_line_before_the_list_by_text_leaves_three_whole_services(stack, number, text, first):
    # By text a focus's shorter line (or the line for a group with no service of its own) comes
    # first, and three whole service lines still fit: the whole answer, and the place named as
    # "Stratford-on-Avon district (Stratford, Alcester, Shipston, Southam)", had cut the list to
    # "NHS Talking Therapies (Co...".
    first = first or focus_of("asking-for-help", "self-referral").sms_before_services
    reply = text_sms(stack, number, text)
    assert reply and reply.startswith(first)
    assert "NHS Talking Therapies (Coventry and Warwickshire) nhs.uk/service-search/" in reply
    assert len(re.findall(r"^- ", reply, flags=re.M)) == 3  # three services, none cut
    assert segments(reply) <= 3 and is_gsm7(reply)


def test_by_text_a_place_some_services_reach_lists_one_of_them(stack):
    # The fifteenth user test's council officer, by text: "some of them cover Coventry too" came
    # with Samaritans alone, as the note and the introduction left room for one service line.
    number = "+447700900097"
    text_sms(stack, number, "Can you show me services for a parent in Nuneaton please")
    reply = text_sms(stack, number, "And for someone living in Coventry?")
    assert reply and reply.startswith("Coventry has its own city council services."), reply
    assert "cover Coventry too" in reply, reply
    listed = re.findall(r"^- .*", reply, flags=re.M)
    assert any("(Coventry and Warwickshire)" in line for line in listed), reply
    assert segments(reply) <= 3 and is_gsm7(reply)


def test_by_text_what_else_for_someone_elses_worry_comes_whole(stack):
    # The fifteenth user test's wife, by text: the numbers, then whether asking puts the idea
    # in his head, in at most three segments, whole.
    number = "+447700900099"
    text_sms(
        stack,
        number,
        "my husband said last night 'you'd all be better off without me'. hes at work now and "
        "texted saying he was only joking. how worried should i be?",
    )
    reply = text_sms(
        stack, number, "should i ask him straight out if hes thinking of killing himself?"
    )
    assert reply and "2=What else can I do?" in reply, reply
    # ...and her question is answered in that turn too, whole (forty-fourth session).
    assert "asking won't put the idea in their head" in reply, reply
    assert "999" in reply and segments(reply) <= 3 and is_gsm7(reply)
    reply = text_sms(stack, number, "2")
    assert reply and reply.startswith("Call NHS 111"), reply
    assert "asking won't put the idea in their head" in reply and "I'm still here." in reply
    assert segments(reply) <= 3 and is_gsm7(reply)


@pytest.mark.parametrize(
    ("number", "listing", "asked", "card_says", "name"),
    [
        # The tenth user test's question about one card, by text.
        (
            "+447700900083",
            "hiya, are there any support services near me? im in kenilworth",
            "the talking therapies one - how do i contact them?",
            "Adults registered with a GP in Coventry or Warwickshire can refer themselves.",
            "NHS Talking Therapies",
        ),
        # The fifteenth user test's mum, by text: the card's cost line was web-only.
        (
            "+447700900098",
            "is there any couples counselling or relationship support round stratford?",
            "does relate cost money? we cant really afford much on mat pay",
            "Some services are charged; ask about costs when you book.",
            "Relate",
        ),
    ],
)
def test_a_question_about_one_listed_service_by_text_gets_that_service_alone(
    stack, number, listing, asked, card_says, name
):
    # There is no card by text: the reply says what the card says, points below to the
    # service's own line of text, and the list is not sent again.
    text_sms(stack, number, listing)
    reply = text_sms(stack, number, asked)
    assert reply and card_says in reply, reply
    assert "I don't have a phone number for it: the link below has the current details." in reply
    assert reply.index(card_says) < reply.index("I don't have a phone number")
    assert "card" not in reply
    lines = re.findall(r"^- .*", reply, flags=re.M)
    assert len(lines) == 1 and lines[0].startswith(f"- {name}"), reply
    assert segments(reply) <= 3 and is_gsm7(reply)


def test_by_text_do_any_of_them_cost_anything_names_the_services_the_text_listed(stack):
    # The contract Rasa keeps names every service found; the text listed three (README, "By
    # text, 'them' is the three services the text listed", fifty-fourth session).
    number = "+447700900125"
    listing = text_sms(stack, number, "whats there for dads near me? im in nuneaton")
    shown = re.findall(r"^- .*", listing or "", flags=re.M)
    assert len(shown) == 3, listing
    reply = text_sms(stack, number, "do any of them cost anything? money is already tight")
    costs = re.findall(r"^(?:Free|May charge|Cost not known): ([^\n]+?)\.", reply or "", flags=re.M)
    named = [name for line in costs for name in line.split(", ")]
    assert len(named) == 3, reply
    assert all(any(line.startswith(f"- {name}") for line in shown) for name in named), reply
    assert not re.search(r"^- ", reply or "", flags=re.M), reply  # not the list again
    assert segments(reply) <= 2 and is_gsm7(reply)


def test_by_text_a_reply_after_crisis_help_keeps_the_reminder_whole(stack):
    # By SMS there is no crisis panel: until the writer says they are safe, a reply Rasa's rules
    # choose starts with the reminder, whole, within three segments.
    number = "+447700900083"
    reminder = fold_to_gsm(" ".join(message("safety_reminder")["text"].split()))
    text_sms(stack, number, "I'm going to kill myself tonight")
    text_sms(stack, number, "how do i get my baby to sleep")
    reply = text_sms(stack, number, "is this chat private")
    assert reply and reply.startswith(reminder + "\n"), reply
    assert len(reply) > len(reminder) + 20  # the privacy answer follows
    assert segments(reply) <= 3 and is_gsm7(reply)


def test_by_text_what_if_the_thoughts_come_back_after_crisis_help_is_its_line_alone(stack):
    # Web and text alike (docs/safety.md, fifty-third session): crisis help, "I'm safe for now"
    # typed, then her question gets the line's one-segment form, not a topic.
    number = "+447700900124"
    first = text_sms(stack, number, LEAMINGTON_MUM)
    assert first and "116 123" in first and "Call 999 now" not in first, first
    text_sms(stack, number, "im safe for now")
    reply = text_sms(stack, number, THOUGHTS_BACK)
    assert reply == fold_to_gsm(message("if_thoughts_come_back", "twilio")["text"]), reply
    assert segments(reply) == 1 and is_gsm7(reply)


def test_by_text_the_fear_of_the_baby_being_taken_and_999_fit_three_segments(stack):
    number = "+447700900084"
    fear = fold_to_gsm(" ".join(message("crisis_fear_of_baby_taken", "twilio")["text"].split()))
    text_sms(stack, number, "I'm going to kill myself tonight")
    reply = text_sms(stack, number, "i dont want to ring 999 they'll take her off me")
    assert reply and reply.startswith(fear + "\n"), reply
    assert "999" in reply[len(fear) :] and "..." not in reply  # the held reply, not cut
    assert segments(reply) <= 3 and is_gsm7(reply)


def test_by_text_a_helper_reaches_what_they_can_do_with_one_digit(stack):
    number = "+447700900085"
    text_sms(stack, number, "my wife said she wants to die")
    reply = text_sms(stack, number, "yes im safe")
    assert reply and reply.endswith("Reply 1=How can I help them?"), reply
    assert segments(reply) <= 2 and is_gsm7(reply)
    reply = text_sms(stack, number, "1")
    focus = focus_of("asking-for-help", "asking-about-suicide")
    # Its short text without its title (README, fifty-first session).
    assert reply and reply.startswith(fold_to_gsm(focus.sms)), reply
    assert "3=It's about me" in reply and segments(reply) <= 3  # a helper's options


def test_by_text_a_helpers_question_after_crisis_help_for_someone_else_is_answered(stack):
    number = "+447700900086"
    text_sms(stack, number, "my wife said she wants to die")
    reply = text_sms(stack, number, "how do i help her")
    focus = focus_of("asking-for-help", "asking-about-suicide")
    assert reply and reply.startswith(fold_to_gsm(focus.sms)), reply
    assert segments(reply) <= 3 and is_gsm7(reply)


@pytest.mark.parametrize(
    ("number", "said", "reply"),
    [
        ("+447700900087", "are you still there", "crisis_stay_emergency"),
        ("+447700900088", "im on hold to 111", "crisis_calling"),
        ("+447700900090", "theyre sending someone round", "crisis_help_coming"),
    ],
)
def test_by_text_asking_to_stay_or_calling_while_not_safe_is_answered_whole(
    stack, number, said, reply
):
    text_sms(stack, number, "i want to die")
    text_sms(stack, number, "no")
    sent = text_sms(stack, number, said)
    assert sent == fold_to_gsm(message(reply)["text"]), sent
    assert segments(sent) <= 2 and is_gsm7(sent)


def test_by_text_calling_after_a_babys_medical_emergency_is_answered_whole(stack):
    number = "+447700900091"
    text_sms(stack, number, "my baby isnt breathing properly hes gone a bit blue")
    sent = text_sms(stack, number, "on the phone to 999 now")
    assert sent == fold_to_gsm(message("crisis_calling_medical")["text"]), sent
    assert segments(sent) <= 2 and is_gsm7(sent) and "999" in sent


def test_by_text_how_can_i_help_them_after_a_friends_abuse_is_the_part_for_them(stack):
    number = "+447700900089"
    text_sms(stack, number, "my sisters boyfriend shouts at her and has took her bank card")
    text_sms(stack, number, "im safe")
    reply = text_sms(stack, number, "how do i help her")
    assert reply and reply.startswith("For family and friends"), reply
    assert segments(reply) <= 4 and is_gsm7(reply)


def test_what_else_can_i_do_after_someone_elses_emergency_comes_whole_by_text(stack):
    number = "+447700900094"
    text_sms(stack, number, "my wife hasnt slept for 4 days and keeps saying the baby isn't ours")
    text_sms(stack, number, "1")  # "I'm safe"
    held = text_sms(stack, number, "she says shes fine and wont go anywhere")
    assert held and "2=What else can I do?" in held, held
    reply = text_sms(stack, number, "2")
    assert reply and "stay with them" in reply and reply.rstrip().endswith("I'm still here.")
    assert segments(reply) <= 3 and is_gsm7(reply)


@pytest.mark.parametrize(
    ("number", "first", "said", "key"),
    [
        (
            "+447700900100",
            "i keep losing my temper with my toddler, i shout and slam doors",
            "how do i stop, i just snap",
            "losing_control_temper",
        ),
        (
            "+447700900101",
            "my partner keeps all the money and goes through my phone every night",
            "will he see it in my call log?",
            "abuse_call_seen",
        ),
    ],
)
def test_by_text_a_line_the_channel_sends_itself_is_in_its_text_words(
    stack, number, first, said, key
):
    # Until the forty-seventh session the answers the channel sends without Rasa went out in
    # the web chat's words by text too (two segments instead of one).
    crisis = text_sms(stack, number, first)
    assert crisis and "999" in crisis, crisis
    text_sms(stack, number, "1")  # "I'm safe for now"
    sent = text_sms(stack, number, said)
    assert sent and sent.startswith(fold_to_gsm(message(key, "twilio")["text"])), sent
    assert segments(sent) <= 2 and is_gsm7(sent)


def test_by_text_a_sign_ruled_out_after_someone_elses_emergency_gets_its_text_words(stack):
    # The nineteenth user test's Leamington dad (docs/safety.md, forty-eighth session), by text:
    # when 999 is and isn't needed, in the reply's own SMS words, within the segment limit.
    number = "+447700900102"
    crisis = text_sms(stack, number, LEAMINGTON_DAD)
    assert crisis and "999" in crisis, crisis
    text_sms(stack, number, "1")  # "I'm safe"
    sent = text_sms(stack, number, SIGNS_RULED_OUT)
    sms = get_responses()["utter_safety_signs_ruled_out"][1]
    assert sent and sent.startswith(fold_to_gsm(" ".join(sms["text"].split()))), sent
    assert "Reply 1=How can I help them? 2=Find support near me" in sent
    assert segments(sent) <= MAX_REPLY_SEGMENTS and is_gsm7(sent)
