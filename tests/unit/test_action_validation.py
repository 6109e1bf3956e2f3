"""Action server replies are checked as strictly as Rasa does, with a validator built once."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from cradle import action_validation

BUTTONS = [{"title": "Find support near me", "payload": "/find_services"}]
REPLIES = [
    pytest.param({"events": [], "responses": []}, id="empty"),
    pytest.param(
        {
            "events": [
                {"event": "slot", "name": "topic", "value": "low-mood", "timestamp": None},
                {"event": "active_loop", "name": "service_filter_form"},
                {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
                {"event": "followup", "name": "utter_safety"},
            ],
            "responses": [
                {"text": "Feeling low after a baby is common.", "buttons": BUTTONS},
                {"custom": {"topic": "low-mood", "safety": "none", "services": []}},
            ],
        },
        id="a topic answer",
    ),
    pytest.param({"events": [{"name": "topic"}], "responses": []}, id="event without a type"),
    pytest.param({"events": [{"event": "slot", "name": 3}], "responses": []}, id="bad slot name"),
    pytest.param({"events": [], "responses": ["just text"]}, id="response not an object"),
    pytest.param({"events": {"event": "slot"}, "responses": []}, id="events not a list"),
    pytest.param({"events": [{"event": "user", "text": 5}]}, id="bad user event"),
]


def rasa_verdict(reply: dict) -> str | None:
    """What Rasa's own check (jsonschema.validate on the same schema) says."""
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error.message
    return None


@pytest.fixture()
def action() -> RemoteAction:
    action_validation.install()
    action_validation.install()  # idempotent
    return RemoteAction("action_answer_topic", EndpointConfig("http://127.0.0.1:1/webhook"))


@pytest.mark.parametrize("reply", REPLIES)
def test_replies_are_accepted_and_refused_exactly_as_rasa_does(action: RemoteAction, reply: dict):
    expected = rasa_verdict(reply)
    if expected is None:
        assert action._validate_action_result(reply) is True
        return
    with pytest.raises(jsonschema.ValidationError) as refused:
        action._validate_action_result(reply)
    assert refused.value.message.startswith(expected)
    assert "Failed to validate Action server response" in refused.value.message


def test_the_schema_itself_is_checked_once(action: RemoteAction):
    action_validation._validator.cache_clear()
    for _ in range(3):
        action._validate_action_result({"events": [], "responses": []})
    info = action_validation._validator.cache_info()
    assert (info.misses, info.hits) == (1, 2)


@pytest.mark.parametrize("channel", ["rest", "twilio_sms"])
def test_each_channel_installs_it_in_the_rasa_server(
    channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.channels.rest import CradleRestInput
    from bot.channels.twilio_sms import CradleTwilioInput

    def not_installed(_action: RemoteAction, _reply: dict) -> bool:
        return True

    monkeypatch.setattr(RemoteAction, "_validate_action_result", not_installed)
    monkeypatch.setattr(action_validation, "_installed", False)
    {"rest": CradleRestInput, "twilio_sms": CradleTwilioInput}[channel].from_credentials({})
    assert RemoteAction._validate_action_result is action_validation.validate_action_result
