"""The channel edge: commands are checked, crises always get crisis text, no turn is silent."""

from __future__ import annotations

import json

import pytest

from cradle.content import get_topic
from cradle.replies import reminder_key
from cradle.responses import SMS_CHANNEL, message, safety_message
from cradle.safety.result import RESPONSES
from cradle.sms import MAX_REPLY_SEGMENTS, format_reply, segments
from cradle.turn import (
    MAX_MESSAGE_CHARS,
    CommandError,
    SessionSafety,
    answered_as_crisis,
    asks_about_asking,
    asks_if_abuse_counts,
    assemble_reply,
    check_command,
    fears_losing_baby,
    line,
    prepare_turn,
    reminds,
    speaks_to_safety,
)


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("/greet", "/greet"),
        ('/inform{"area": "CV21"}', '/inform{"area": "rugby"}'),
        ('/inform{"area": "Leamington"}', '/inform{"area": "warwick"}'),
        ('/inform{"audience": "dad"}', '/inform{"audience": "dad-or-partner"}'),
        ('/topic_more{"section": "help_today"}', '/topic_more{"section": "help_today"}'),
        ('/topic_more{"section": "sources"}', '/topic_more{"section": "sources"}'),
    ],
)
def test_good_commands_are_cleaned(typed, clean):
    assert check_command(typed) == clean


@pytest.mark.parametrize(
    "typed",
    [
        '/inform{"area": "x\' OR 1=1"}',
        '/inform{"area": 5}',
        '/inform{"safety_tier": "none"}',
        '/inform{"topic": "low-mood"}',
        '/topic_more{"section": "<script>"}',
        '/topic_more{"section": ["more"]}',
        "/inform{not json}",
        '/inform["area"]',
        "/safety_alert",
        '/safety_alert{"safety_tier": "none"}',
        # Who read a crisis is the channel's to say, never a message's (docs/safety.md).
        '/help_them{"safety_read_by": "second_opinion"}',
        "/nlu_fallback",
        "/no_such_intent",
        "/",
    ],
)
def test_bad_commands_are_refused(typed):
    with pytest.raises(CommandError):
        check_command(typed)


def test_a_refused_command_gets_a_clear_reply_and_never_reaches_rasa():
    turn = prepare_turn('/inform{"area": "x\' OR 1=1"}')
    assert turn.text_for_rasa is None
    reply = assemble_reply(turn, [])
    assert reply[0] == message("command_error")
    assert reply[-1]["custom"]["safety"] == "none"


@pytest.mark.parametrize(
    "text", ["I want to die", "/greet I want to die", '/inform{"area": "rugby"} i want to die']
)
def test_crisis_text_becomes_the_safety_intent_whatever_else_is_typed(text):
    turn = prepare_turn(text)
    assert turn.text_for_rasa is not None and turn.text_for_rasa.startswith("/safety_alert")
    entities = json.loads(turn.text_for_rasa[len("/safety_alert") :])
    assert entities == {"safety_tier": "urgent", "safety_response": "urgent"}


def test_crisis_text_is_added_when_rasa_sends_nothing():
    turn = prepare_turn("I'm going to kill myself tonight")
    reply = assemble_reply(turn, [], failed=True)
    assert reply[0] == safety_message("emergency")
    assert "999" in reply[0]["text"]
    assert reply[-1]["custom"]["safety"] == "emergency"


def test_crisis_text_is_not_repeated_when_rasa_sent_it():
    turn = prepare_turn("I want to die")
    from_rasa = [
        {"text": "crisis text", "custom": {"cradle": {"safety": "urgent"}}},
        {"text": "Are you safe right now?"},
    ]
    reply = assemble_reply(turn, from_rasa)
    assert [m.get("text") for m in reply[:-1]] == ["crisis text", "Are you safe right now?"]


def test_a_failed_ordinary_turn_still_gets_a_safe_reply():
    reply = assemble_reply(prepare_turn("tell me about bonding"), [], failed=True)
    assert reply[0] == message("service_error")
    assert "116 123" in reply[0]["text"]


REMINDER = message("safety_reminder")["text"]
PRIVACY = {"text": "I don't keep what you type."}


@pytest.mark.parametrize(
    ("session", "reminded"),
    [
        (SessionSafety(tier="emergency"), True),
        (SessionSafety(tier="urgent"), True),
        (SessionSafety(tier="emergency", said_safe=True), False),
        (SessionSafety(tier="urgent", response="concern_for_other"), False),
        (SessionSafety(tier="emergency", response="emergency_for_other"), False),
        (SessionSafety(tier="support"), False),
        (SessionSafety(), False),
    ],
)
def test_only_a_flagged_session_whose_writer_has_not_said_safe_is_reminded(session, reminded):
    assert reminds(session) is reminded


@pytest.mark.parametrize(
    ("actions", "spoke"),
    [
        (("utter_safety", "utter_safety_check_in"), True),
        (("utter_safety_follow_up",), True),
        (("utter_safety_check",), True),
        (("utter_safe_now",), True),
        (("action_safe_now",), True),
        (("utter_safety_help_is_there",), True),
        (("action_check_cleared",), True),
        (("utter_privacy",), False),
        (("action_topic_section",), False),
        (("service_filter_form", "action_find_services"), False),
        ((), False),
    ],
)
def test_a_turn_that_said_where_help_is_or_heard_safe_speaks_to_safety(actions, spoke):
    assert speaks_to_safety(actions) is spoke


@pytest.mark.parametrize(
    ("typed", "from_rasa", "failed", "first"),
    [
        # Any reply Rasa chose, for a writer not yet safe (the twelfth user test): numbers first.
        ("is this chat private", [PRIVACY], False, REMINDER),
        ("ok", [{"text": "What can help today", "buttons": []}], False, REMINDER),
        # Already reminded by the topic answer: not twice.
        ("how do i get him to sleep", [{"text": REMINDER}, {"text": "Sleep"}], False, REMINDER),
        # A crisis in this turn has its own crisis text first.
        ("I want to end my life", [PRIVACY], False, None),
        # A failed turn gets the fallback, which has the numbers.
        ("is this chat private", [], True, message("service_error")["text"]),
    ],
)
def test_a_reminded_reply_starts_with_where_help_is_once(typed, from_rasa, failed, first):
    turn = prepare_turn(typed)
    reply = assemble_reply(turn, from_rasa, failed=failed, remind="safety_reminder")
    texts = [m.get("text") for m in reply[:-1]]
    if first is None:
        first = safety_message(turn.safety.response)["text"]
    assert texts[0] == first
    assert texts.count(REMINDER) <= 1
    assert (REMINDER in texts) is (first == REMINDER)


@pytest.mark.parametrize(
    ("response", "key", "says"),
    [
        # After the abuse reply, its own helplines (the seventeenth user test's mum).
        ("abuse", "safety_reminder_abuse", "0808 2000 247"),
        ("urgent", "safety_reminder", "116 123"),
        ("emergency", "safety_reminder", "116 123"),
        (None, "safety_reminder", "116 123"),
    ],
)
def test_the_reminder_names_the_help_the_crisis_reply_gave(response, key, says):
    assert reminder_key(response) == key
    reply = assemble_reply(prepare_turn("is this chat private"), [PRIVACY], remind=key)
    assert says in reply[0]["text"]
    assert ("Samaritans" in reply[0]["text"]) is (response != "abuse")


def test_by_text_the_abuse_reminder_and_a_topics_first_answer_arrive_whole():
    reminder = message("safety_reminder_abuse", SMS_CHANNEL)
    answer = {"text": get_topic("domestic-abuse").sms_text()}
    reply = format_reply([reminder, answer]).text
    assert reply == "\n".join(m["text"] for m in (reminder, answer))  # nothing cut
    assert segments(reply) <= MAX_REPLY_SEGMENTS


def test_a_reply_is_not_reminded_unless_asked():
    reply = assemble_reply(prepare_turn("is this chat private"), [PRIVACY])
    assert [m.get("text") for m in reply[:-1]] == [PRIVACY["text"]]


FEAR = message("crisis_fear_of_baby_taken")["text"]
HELD = {"text": "Please don't stay alone with this. Call 999 now.", "buttons": []}


@pytest.mark.parametrize(
    ("text", "fears"),
    [
        ("i dont want to ring 999 they'll take her off me", True),
        ("if i tell the health visitor will they take my baby away", True),
        ("scared social services will get involved", True),
        # A partner's threat is the domestic abuse topic's answer (the focus's own veto).
        ("he says social services will take the baby if i leave", False),
        ("can you take him to the park for me", False),
        ("i need help now", False),
    ],
)
def test_the_fear_of_the_baby_being_taken_is_read_with_the_topics_own_focus(text, fears):
    assert fears_losing_baby(text) is fears


@pytest.mark.parametrize(
    ("actions", "as_crisis"),
    [
        (("utter_safety", "utter_safety_check_in"), True),
        (("utter_safety_follow_up",), True),
        (("utter_safety_ways_now",), True),
        (("utter_safety_check",), False),  # a question on its own
        (("utter_safety_glad_safe",), False),
        (("action_answer_topic",), False),
    ],
)
def test_only_crisis_help_and_held_replies_answer_as_the_crisis(actions, as_crisis):
    assert answered_as_crisis(actions) is as_crisis


def test_a_held_reply_to_the_fear_of_the_baby_being_taken_hears_it_first():
    reply = assemble_reply(prepare_turn("they'll take her off me"), [HELD], fear=True)
    assert [m.get("text") for m in reply[:-1]] == [FEAR, HELD["text"]]


def test_a_new_crisis_naming_the_fear_keeps_its_crisis_text_first():
    turn = prepare_turn("I want to end my life, if I ask for help they'll take my baby")
    assert turn.safety.is_crisis
    from_rasa = [
        {"text": "These can help:"},
        {"custom": {"cradle": {"services": ["samaritans"], "cards": [{"id": "samaritans"}]}}},
        {"text": "Are you safe right now?"},
    ]
    reply = assemble_reply(turn, from_rasa, fear=True)
    texts = [m.get("text") for m in reply[:-1]]
    assert texts == [safety_message(turn.safety.response)["text"], FEAR, *texts[2:]]
    assert texts[reply[-1]["custom"]["cards_after"]] == "Are you safe right now?"


COUNTS = message("crisis_abuse_counts")["text"]
# The eighteenth user test's mum: the lexicon reads her message as abuse.
IS_IT_ABUSE = (
    "my husband kind of decides who i see and he has my location on his phone all the time, if i"
    " disagree with him he just goes silent for days. is that like.. real abuse or am i "
    "overreacting"
)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        (IS_IT_ABUSE, True),
        ("ok but is it actually abuse? he pushed me once", True),
        ("does that count?", True),
        ("my partner hits me", False),
        ("my husband tracks my phone and i'm scared of him", False),
    ],
)
def test_asking_whether_it_is_abuse_is_read_in_the_same_words_as_after_abuse_help(text, asks):
    assert asks_if_abuse_counts(text) is asks


def test_abuse_crisis_help_asked_if_it_counts_says_yes_after_the_crisis_text():
    turn = prepare_turn(IS_IT_ABUSE)
    assert turn.safety.is_crisis and turn.safety.response == "abuse"
    reply = assemble_reply(turn, [], counts=True)
    texts = [m.get("text") for m in reply[:-1]]
    assert texts[:2] == [safety_message("abuse")["text"], COUNTS]
    assert "Controlling you, tracking you or a single push" in COUNTS


def test_by_text_the_abuse_reply_and_yes_it_can_be_abuse_arrive_whole():
    crisis = safety_message("abuse", SMS_CHANNEL)
    line = message("crisis_abuse_counts", SMS_CHANNEL)
    reply = format_reply([crisis, line]).text
    assert reply == "\n".join(m["text"] for m in (crisis, line))  # nothing cut
    assert segments(reply) <= MAX_REPLY_SEGMENTS


ASKING = message("crisis_asking_about_suicide")["text"]


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        # the fifteenth user test's wife, after crisis help for her husband
        (
            "thanks. but what do i actually say to him tonight? should i ask him straight out if "
            "hes thinking of killing himself, or will that put the idea in his head",
            True,
        ),
        ("will asking her about suicide put the idea in her head", True),
        ("he said he wants to kill himself", False),  # a worry, not a question about asking
        ("i want to kill myself, will that put the idea in his head", False),  # her own crisis
    ],
)
def test_asking_someone_about_suicide_is_read_with_the_topics_own_focus(text, asks):
    assert asks_about_asking(text) is asks


def test_a_held_reply_for_someone_else_answers_whether_asking_puts_the_idea_in_their_head():
    reply = assemble_reply(prepare_turn("will that put the idea in his head"), [HELD], asking=True)
    assert [m.get("text") for m in reply[:-1]] == [ASKING, HELD["text"]]


def test_a_new_crisis_asking_about_asking_keeps_its_crisis_text_first():
    turn = prepare_turn(
        "my husband says he wants to kill himself, should i ask him straight out about suicide"
    )
    assert turn.safety.is_crisis
    reply = assemble_reply(turn, [{"text": "Are you safe yourself right now?"}], asking=True)
    texts = [m.get("text") for m in reply[:-1]]
    assert texts == [safety_message(turn.safety.response)["text"], ASKING, texts[-1]]
    assert ASKING not in [m.get("text") for m in assemble_reply(turn, [HELD])]


def test_the_contract_collects_topic_and_services_and_hides_internal_payloads():
    turn = prepare_turn("feeling low")
    from_rasa = [
        {"text": "answer"},
        {"custom": {"cradle": {"topic": "low-mood"}}},
        {"custom": {"cradle": {"services": ["samaritans", "shout"], "cards": [{"id": "x"}]}}},
        {"custom": {"something": "else"}},
    ]
    reply = assemble_reply(turn, from_rasa)
    assert reply[:-1] == [{"text": "answer"}]
    assert reply[-1] == {
        "custom": {
            "topic": "low-mood",
            "safety": "none",
            "services": ["samaritans", "shout"],
            "cards": [{"id": "x"}],
            "cards_after": 1,
        }
    }


def test_the_contract_says_where_the_cards_go_after_the_crisis_text():
    # "These can help" [cards] "Was this helpful?": the widget shows the cards after message 2,
    # counting the crisis text that the channel put first.
    turn = prepare_turn("I want to end my life")
    from_rasa = [
        {"text": "These can help:"},
        {"custom": {"cradle": {"services": ["samaritans"], "cards": [{"id": "samaritans"}]}}},
        {"text": "Was this helpful?", "buttons": [{"title": "Yes", "payload": "/feedback"}]},
    ]
    reply = assemble_reply(turn, from_rasa)
    assert reply[0] == safety_message(turn.safety.response)
    after = reply[-1]["custom"]["cards_after"]
    assert [m["text"] for m in reply[:after]] == [reply[0]["text"], "These can help:"]
    assert reply[after]["text"] == "Was this helpful?"


@pytest.mark.parametrize("empty", ["", "   ", None, 42])
def test_empty_or_non_text_messages_get_a_helpful_reply(empty):
    turn = prepare_turn(empty)
    assert turn.text_for_rasa is None
    assert assemble_reply(turn, [])[0] == message("empty_message")


@pytest.mark.parametrize(
    "text",
    [
        # "Hello, I've felt very sad since I gave birth. Can someone help me?" (the user test)
        "Cześć, czuję się bardzo smutna od kiedy urodziłam dziecko. Czy ktoś może mi pomóc?",
        "Bună, mă simt foarte tristă de când am născut.",  # Romanian, the same
        "بچے کی پیدائش کے بعد سے میں بہت اداس ہوں",  # Urdu, the same
        "ਮੈਂ ਬਹੁਤ ਉਦਾਸ ਹਾਂ",  # Punjabi (Gurmukhi): "I am very sad"
    ],
)
def test_a_message_in_another_language_is_told_where_help_in_it_is(text):
    turn = prepare_turn(text)
    assert turn.text_for_rasa is None  # the NLU reads English only
    reply = assemble_reply(turn, [])[0]
    assert reply == message("other_language")
    assert "interpreter" in reply["text"] and "999" in reply["text"]
    assert segments(reply["text"]) == 1  # by text too, one message


@pytest.mark.parametrize(
    "text",
    [
        "Łukasz says I should see the GP about feeling low",  # one such letter: a name
        "had a café au lait and cried in the car",
        "im so low",
    ],
)
def test_english_with_a_foreign_name_or_word_goes_to_the_nlu(text):
    assert prepare_turn(text).text_for_rasa == text


@pytest.mark.parametrize("text", ["\U0001f622\U0001f622\U0001f622", "\U0001f62d", "\U0001f494 ..."])
def test_only_sad_faces_get_a_gentle_question_not_the_greeting(text):
    turn = prepare_turn(text)
    assert turn.text_for_rasa is None
    reply = assemble_reply(turn, [])[0]
    assert reply == message("sad_without_words")
    assert "999" in reply["text"] and "116 123" in reply["text"]
    assert segments(reply["text"]) == 1


@pytest.mark.parametrize("text", ["\U0001f44d", "so tired \U0001f622", "hi \U0001f60a"])
def test_other_emoji_or_words_with_a_sad_face_go_to_the_nlu(text):
    assert prepare_turn(text).text_for_rasa == text


def test_a_crisis_in_polish_is_crisis_help_not_the_language_line():
    turn = prepare_turn("Chcę umrzeć, nie mogę już dłużej")  # "I want to die, I can't go on"
    assert turn.safety.is_crisis


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        # "alert" inside the script was read by the NLU as asking for crisis help.
        ("<script>alert(1)</script> hi", "hi"),
        ('<img src=x onerror="alert(1)">how do I get him to sleep', "how do I get him to sleep"),
        ("<b>so tired</b>", "so tired"),
        ("love him <3 but so tired", "love him <3 but so tired"),  # not a tag
    ],
)
def test_web_markup_never_reaches_the_nlu(typed, sent):
    assert prepare_turn(typed).text_for_rasa == sent


def test_markup_alone_is_refused_with_a_clear_reply():
    turn = prepare_turn("<script>alert(document.cookie)</script>")
    assert turn.text_for_rasa is None and turn.immediate == (line("command_error"),)


@pytest.mark.parametrize("typed", ["<p>I want to die</p>", "<script>I want to die</script>"])
def test_a_crisis_inside_markup_is_still_a_crisis(typed):
    turn = prepare_turn(typed)
    assert turn.safety.is_crisis and turn.text_for_rasa.startswith("/safety_alert")


def test_long_messages_are_cut_with_a_note():
    turn = prepare_turn("a" * (MAX_MESSAGE_CHARS + 500))
    assert turn.truncated and len(turn.text_for_rasa or "") <= MAX_MESSAGE_CHARS
    reply = assemble_reply(turn, [{"text": "ok"}])
    assert reply[0]["text"] == "ok"  # the answer first: crisis help is never pushed down
    assert "start and end" in reply[1]["text"]
    assert "all of it for anything urgent" in reply[1]["text"]


def test_a_long_message_is_read_from_its_start_and_its_end_in_whole_words():
    # The ninth user test: a long story with the question last was read from its first 1,000
    # characters, so the question was never read.
    story = "we had a long night with the baby and " * 60
    text = f"Hi, my name is Sam. {story}so can I refer myself to talking therapies?"
    read = prepare_turn(text).text_for_rasa or ""
    assert len(text) > MAX_MESSAGE_CHARS >= len(read)
    assert read.startswith("Hi, my name is Sam.")
    assert read.endswith("so can I refer myself to talking therapies?")
    assert " ... " in read
    words = set(text.split())
    assert all(w in words for w in read.replace(" ... ", " ").split())  # no word cut in two


@pytest.mark.parametrize(
    ("ranking", "topic"),
    [
        ([{"name": "safety_check"}, {"name": "ask_low_mood"}, {"name": "greet"}], "low-mood"),
        ([{"name": "safety_check"}, {"name": "greet"}, {"name": "ask_low_mood"}], None),
        ([{"name": "safety_check"}, {"name": "nlu_fallback"}], None),
        ([], None),
        (None, None),
        ("not a list", None),
    ],
)
def test_the_topic_of_an_unsure_message_is_the_nlus_best_guess_if_it_is_a_topic(ranking, topic):
    from cradle.turn import topic_in_ranking

    assert topic_in_ranking(ranking) == topic


@pytest.mark.parametrize(
    ("topic", "text", "carried"),
    [
        # A thought of harming yourself: low mood, not thoughts about the baby (the twenty-fifth
        # user test's dad; docs/safety.md, fifty-fifth session).
        (
            "intrusive-thoughts",
            "i keep thinking about crashing the car on the way to work",
            "low-mood",
        ),
        (
            "intrusive-thoughts",
            "i keep getting thoughts about crashing the car, i dont have a plan, im at home",
            "low-mood",
        ),
        # A pronoun is not a baby: "they" may be everyone the writer would leave.
        ("intrusive-thoughts", "i keep thinking they would be better off if i crashed", "low-mood"),
        # A baby or child named, in any form: thoughts about the baby.
        ("intrusive-thoughts", "keep getting thoughts of dropping the baby down the stairs", None),
        ("intrusive-thoughts", "i keep having thoughts of hurting my son", None),
        ("intrusive-thoughts", "horrible thoughts about the babies getting hurt", None),
        (
            "intrusive-thoughts",
            "scary pictures in my head of my newborn drowning in the bath",
            None,
        ),
        # Any other topic is carried as the NLU read it.
        ("low-mood", "i keep thinking about crashing the car", None),
        ("anxiety", "i cant stop worrying about driving", None),
        (None, "i keep thinking about crashing the car", None),
    ],
)
def test_a_thought_that_names_no_baby_carries_low_mood_not_thoughts_about_the_baby(
    topic, text, carried
):
    from cradle.turn import topic_to_carry

    assert topic_to_carry(topic, text) == (carried or topic)


def test_only_the_safety_question_carries_a_pending_topic():
    from cradle.safety import SafetyResult
    from cradle.turn import PreparedTurn, with_pending_topic

    check = PreparedTurn(SafetyResult("none", "check"), '/safety_check{"safety_response": "abuse"}')
    assert with_pending_topic(check, "bonding").text_for_rasa == (
        '/safety_check{"safety_response": "abuse", "pending_topic": "bonding"}'
    )
    assert with_pending_topic(check, None) is check
    topic = PreparedTurn(SafetyResult(), "tell me about bonding")
    assert with_pending_topic(topic, "bonding") is topic


@pytest.mark.parametrize(
    ("text", "topic", "sent"),
    [
        # README, "a place said once is kept" (sixtieth session): the district's id, not words.
        (
            "my daughter in law in atherstone cries all day",
            "crying-baby",
            '{"safety_response": "abuse", "pending_topic": "crying-baby", '
            '"area": "north-warwickshire"}',
        ),
        (
            "shes in rugby and i dont know what to do",
            None,
            '{"safety_response": "abuse", "area": "rugby"}',
        ),
        (
            "she cries all day",
            "crying-baby",
            '{"safety_response": "abuse", "pending_topic": "crying-baby"}',
        ),
        ("we moved to leeds and she cries all day", None, None),  # outside: nothing kept
    ],
)
def test_the_safety_question_carries_the_district_a_held_message_names(text, topic, sent):
    from cradle.safety import SafetyResult
    from cradle.turn import PreparedTurn, with_pending_topic

    check = PreparedTurn(SafetyResult("none", "check"), '/safety_check{"safety_response": "abuse"}')
    carried = with_pending_topic(check, topic, text)
    assert carried.text_for_rasa == (f"/safety_check{sent}" if sent else check.text_for_rasa)


@pytest.mark.parametrize(
    "typed", ['/deny{"pending_topic": "low-mood"}', '/safety_check{"pending_topic": "low-mood"}']
)
def test_a_parent_cannot_set_the_pending_topic_by_typing_a_command(typed):
    from cradle.turn import prepare_turn

    turn = prepare_turn(typed)
    assert turn.text_for_rasa is None  # refused with a clear message, Rasa never sees it
    assert turn.immediate


@pytest.mark.parametrize(
    ("channel", "words", "not_words"),
    [
        ("twilio", "delete these texts", "delete this chat"),
        ("web_chat", "delete this chat", "delete these texts"),
        ("rest", "delete this chat", "delete these texts"),
        (None, "delete this chat", "delete these texts"),
    ],
)
def test_crisis_text_added_at_the_edge_is_in_the_channels_words(channel, words, not_words):
    # When Rasa fails, the channel adds the abuse reply itself: by SMS there is no chat to
    # delete, only texts on the phone, as Rasa's own twilio variation says.
    turn = prepare_turn("my partner hits me and i am scared of him")
    assert turn.safety.response == "abuse"
    reply = assemble_reply(turn, [], failed=True, channel=channel)
    assert words in reply[0]["text"] and not_words not in reply[0]["text"]
    assert "0808 2000 247" in reply[0]["text"]


@pytest.mark.parametrize("response", sorted(set(RESPONSES) - {"abuse"}))
def test_a_reply_with_no_sms_words_of_its_own_is_the_same_by_sms(response):
    # Only the abuse reply has SMS words: every other crisis reply is the same everywhere.
    assert safety_message(response, "twilio") == safety_message(response)
