"""A short, weak guess in reply to "Which town or area?" is read as the answer (the component
bot/components/question_reply.py; the channel sets the metadata)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.question_reply import QuestionReply, read_as_answer

AREA = {"cradle_reply_to": "area"}


@pytest.mark.parametrize(
    ("intent", "confidence", "metadata", "answer"),
    [
        ("greet", 0.31, AREA, True),  # "Harbury"
        ("ask_crying_baby", 0.34, AREA, True),  # "Long Itchington"
        ("greet", 0.96, AREA, False),  # "hi": a confident greeting still greets
        ("ask_low_mood", 0.9, AREA, False),  # a topic question is still answered
        ("deny", 0.97, AREA, False),  # "no thanks" is already an answer the form reads (a skip)
        ("deny", 0.58, AREA, True),  # "narnia": a place the form will say it does not know
        ("affirm", 0.6, AREA, True),  # a weak "yes" must not end the question either
        ("deny", 0.58, None, False),  # no question asked: a weak "no" is still a "no"
        ("nlu_fallback", 0.3, AREA, False),  # the form reads the fallback too
        ("out_of_scope", 0.62, AREA, True),  # "narnia": not a topic, so a place it doesn't know
        ("out_of_scope", 0.95, AREA, True),
        ("out_of_scope", 0.62, None, False),  # no question asked: still out of scope
        ("safety_alert", 0.2, AREA, False),  # only the safety net decides a crisis
        ("greet", 0.31, None, False),  # no question asked: nothing changes
        ("greet", 0.31, {"cradle_reply_to": "other"}, False),
    ],
)
def test_which_guesses_become_the_answer(intent, confidence, metadata, answer):
    assert read_as_answer({"name": intent, "confidence": confidence}, metadata) is answer


def test_the_answer_heads_the_ranking():
    message = Message(data={"text": "Harbury", "metadata": AREA})
    message.set("intent", {"name": "greet", "confidence": 0.31})
    message.set(
        "intent_ranking",
        [{"name": "greet", "confidence": 0.31}, {"name": "inform", "confidence": 0.2}],
    )
    [out] = QuestionReply().process([message])
    assert out.get("intent") == {"name": "inform", "confidence": 0.31}
    assert [r["name"] for r in out.get("intent_ranking")] == ["inform", "greet"]


PLACE = [{"entity": "area", "value": "atherstone"}]


@pytest.mark.parametrize(
    ("intent", "confidence", "entities", "metadata", "place"),
    [
        # The eighth user test, after a list: "oh sorry thats my old postcode, we're in
        # atherstone now" was read as safe_now at 0.41 and got "I'm glad to hear that".
        ("safe_now", 0.41, PLACE, None, True),
        ("thanks", 0.55, PLACE, None, True),  # "cheers, we're in atherstone though"
        ("deny", 0.6, PLACE, None, True),  # "no, atherstone"
        ("thanks", 0.95, PLACE, None, False),  # a sure "thank you" is still thanks
        ("ask_low_mood", 0.45, PLACE, None, False),  # a topic question is still answered
        ("find_services", 0.51, PLACE, None, False),  # it reads the place itself
        ("nlu_fallback", 0.2, PLACE, None, False),  # not read: may not be about the place
        ("safe_now", 0.41, [], None, False),  # no place named
        ("safe_now", 0.41, PLACE, {"cradle_reply_to": "crisis"}, False),  # after crisis help
        ("deny", 0.6, PLACE, {"cradle_reply_to": "check_cleared"}, False),
    ],
)
def test_a_place_in_small_talk_the_classifier_is_unsure_of_is_the_place_given(
    intent, confidence, entities, metadata, place
):
    from bot.components.question_reply import gives_a_place

    assert gives_a_place({"name": intent, "confidence": confidence}, entities, metadata) is place
