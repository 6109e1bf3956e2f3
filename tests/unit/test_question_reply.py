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
