"""Cradle's REST channel at /webhooks/rest/webhook, replacing Rasa's built-in `rest` channel.

Same request shape as Rasa's REST channel ({"sender", "message"}), but every message passes the
safety net first, bad requests get a 400 with a reason, message text is never logged, and the
reply always ends with the reply contract: {"custom": {"topic", "safety", "services"}}.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import (
    DEFAULT_REPLY_TIMEOUT,
    OnNewMessage,
    add_warm_up,
    guarded_turn,
    install_hooks,
    session_lookup,
    topic_guess,
)

_SENDER = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
MAX_BODY_CHARS = 20_000


class CradleRestInput(InputChannel):
    """REST input with the safety net and the reply contract."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, reply_timeout: float = DEFAULT_REPLY_TIMEOUT) -> None:
        self.reply_timeout = reply_timeout

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CradleRestInput:
        credentials = credentials or {}
        install_hooks()
        return cls(float(credentials.get("reply_timeout", DEFAULT_REPLY_TIMEOUT)))

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint("cradle_rest", __name__)
        add_warm_up(hook)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_CHARS:
                return response.json({"error": "request too large"}, status=413)
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - sanic raises its own type for bad JSON
                body = None
            if not isinstance(body, dict):
                return response.json(
                    {"error": "send a JSON object with sender and message"}, status=400
                )
            sender = body.get("sender")
            if not isinstance(sender, str) or not _SENDER.match(sender):
                return response.json(
                    {"error": "sender must be 1-128 letters, digits or _.:-"}, status=400
                )
            text = body.get("message")
            if text is not None and not isinstance(text, str):
                return response.json({"error": "message must be a string"}, status=400)
            _, messages = await guarded_turn(
                on_new_message,
                text,
                sender,
                self.name(),
                timeout=self.reply_timeout,
                lookup=session_lookup(request.app.ctx.agent),
                guess=topic_guess(request.app.ctx.agent),
            )
            for item in messages:
                item.setdefault("recipient_id", sender)
            return response.json(messages)

        return hook
