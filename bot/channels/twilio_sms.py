"""Cradle's SMS channel for Twilio, at /webhooks/twilio/webhook.

Replaces Rasa's built-in Twilio channel, which neither checks the signature nor survives a
missing Body, and calls Twilio's blocking client inside the event loop. Here:
- every request must carry a valid X-Twilio-Signature (twilio's own RequestValidator), or 403;
- the phone number is replaced by a keyed HMAC before Rasa, the tracker store or a log sees it;
- the reply goes back in the webhook response as TwiML, within Twilio's 15-second window, so
  no outbound API call is needed;
- HELP, MENU, STOP/START and numbered replies are handled here; crisis help is never held back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import urllib.parse
from typing import Any
from xml.sax.saxutils import escape

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.guard import (
    OnNewMessage,
    SessionLookup,
    TopicGuess,
    add_warm_up,
    guarded_turn,
    install_hooks,
    session_lookup,
    topic_guess,
)
from cradle import logscrub
from cradle.content import get_topic, intent_for_topic, topic_ids
from cradle.responses import SMS_CHANNEL, message, pick_variation, safety_message
from cradle.safety import classify
from cradle.sms import SmsReply, for_sms, format_reply
from cradle.sms_state import SmsState, hash_sender, sender_key
from cradle.turn import assemble_reply, prepare_turn

logger = logging.getLogger(__name__)
WEBHOOK_PATH = "/webhooks/twilio/webhook"
SMS_REPLY_TIMEOUT = 8.0  # Twilio waits 15 s for the webhook; leave room for the network
STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
START_WORDS = {"start", "unstop", "yes start"}


def twiml(text: str | None) -> HTTPResponse:
    body = f"<Message>{escape(text)}</Message>" if text else ""
    return response.text(
        f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
        content_type="text/xml",
    )


def menu_messages() -> list[dict[str, Any]]:
    """MENU: every topic as a numbered option."""
    buttons = [
        {"title": get_topic(t).title, "payload": f"/{intent_for_topic(t)}"} for t in topic_ids()
    ]
    return [message("sms_menu"), {"text": "", "buttons": buttons}]


def _says_automated(messages: list[dict[str, Any]]) -> bool:
    """Whether the reply is the greeting, which says by itself that Cradle is automated."""
    greeting = str(pick_variation("utter_greet", channel=SMS_CHANNEL)["text"]).strip()
    return any(str(m.get("text", "")).strip() == greeting for m in messages)


async def _remember(state: SmsState, sender: str, reply: SmsReply, notice: str) -> None:
    """What the numbers in this reply mean, and whether the notice it was to carry is still to
    be told (it did not fit beside the reply)."""
    untold = bool(notice) and not reply.noticed
    await asyncio.to_thread(
        state.remember_options, sender, list(reply.payloads), reply.options, untold
    )


def signed_form(body: bytes) -> dict[str, str]:
    """The posted form exactly as Twilio signed it, blank fields included.

    Twilio posts empty fields (FromCity, ToState... are often blank for UK numbers) and signs
    them; a form parser that drops blank values breaks the signature of a genuine request.
    """
    pairs = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    return form


class CradleTwilioInput(InputChannel):
    """SMS input: signature checks, pseudonymised senders and TwiML replies."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(
        self,
        auth_token: str | None,
        public_url: str | None,
        reply_timeout: float = SMS_REPLY_TIMEOUT,
    ) -> None:
        self.auth_token = auth_token
        self.public_url = public_url.rstrip("/") if public_url else None
        self.reply_timeout = reply_timeout
        self._state: SmsState | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CradleTwilioInput:
        # Secrets come from the environment; credentials.yml only names the variables.
        credentials = credentials or {}
        install_hooks()
        sender_key()  # at start-up: production refuses to run without CRADLE_SENDER_KEY
        token_env = credentials.get("auth_token_env", "TWILIO_AUTH_TOKEN")
        url_env = credentials.get("public_url_env", "CRADLE_SMS_PUBLIC_URL")
        return cls(
            os.environ.get(token_env),
            os.environ.get(url_env),
            float(credentials.get("reply_timeout", SMS_REPLY_TIMEOUT)),
        )

    @property
    def state(self) -> SmsState:
        if self._state is None:
            self._state = SmsState()
        return self._state

    def _signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the configured public URL behind a proxy, else this one."""
        if self.public_url:
            query = f"?{request.query_string}" if request.query_string else ""
            return f"{self.public_url}{WEBHOOK_PATH}{query}"
        return request.url

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint("cradle_twilio", __name__)
        add_warm_up(hook)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": bool(self.auth_token)})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.auth_token:
                logger.error("SMS webhook called but TWILIO_AUTH_TOKEN is not set")
                return response.text("SMS is not configured", status=503)
            params = signed_form(request.body)
            signature = request.headers.get("X-Twilio-Signature", "")
            validator = RequestValidator(self.auth_token)
            if not signature or not validator.validate(
                self._signed_url(request), params, signature
            ):
                # Logged so an operator sees a misconfigured URL or token, never with the number.
                logger.warning(
                    "SMS webhook rejected: %s signature (%d form fields)",
                    "invalid" if signature else "missing",
                    len(params),
                )
                return response.text("invalid signature", status=403)
            number = params.get("From", "")
            if not re.fullmatch(r"\+?[0-9A-Za-z:_.-]{3,40}", number):
                return response.text("missing or malformed From", status=400)
            logscrub.register(number, params.get("Body"))
            sender = hash_sender(number)
            lookup = session_lookup(request.app.ctx.agent)
            body = params.get("Body", "")
            if not body.strip() and params.get("NumMedia", "0") not in ("", "0"):
                return twiml(format_reply([message("sms_media_only")]).text)
            text = await self._reply(
                on_new_message, sender, body, lookup, topic_guess(request.app.ctx.agent)
            )
            return twiml(text)

        return hook

    async def _reply(
        self,
        on_new_message: OnNewMessage,
        sender: str,
        body: str | None,
        lookup: SessionLookup | None = None,
        guess: TopicGuess | None = None,
    ) -> str | None:
        raw = (body or "").strip()
        keyword = raw.lower()
        state = self.state
        if keyword in STOP_WORDS:
            await asyncio.to_thread(state.opt_out, sender)
            return None  # nothing more is sent to this number
        if keyword in START_WORDS:
            await asyncio.to_thread(state.opt_in, sender)
            await asyncio.to_thread(state.mark_told, sender)
            return format_reply([message("sms_help")]).text
        opted_out = await asyncio.to_thread(state.opted_out, sender)
        if opted_out:
            # Safety first: a crisis text still gets the fixed crisis reply.
            result = classify(raw)
            return (
                format_reply([safety_message(result.response, SMS_CHANNEL)]).text
                if result.is_crisis
                else None
            )
        if keyword == "help":
            await asyncio.to_thread(state.mark_told, sender)
            return format_reply([message("sms_help")]).text
        # Read before this reply is remembered: whether no one has told this number yet that
        # Cradle is automated (README, "A new texter is told Cradle is automated").
        notice = (
            message("sms_first_notice")["text"]
            if await asyncio.to_thread(state.to_be_told, sender)
            else ""
        )
        if keyword == "menu":
            reply = format_reply(menu_messages(), notice=notice)
            await _remember(state, sender, reply, notice)
            return reply.text
        if re.fullmatch(r"[0-9]{1,2}", keyword):
            payload = await asyncio.to_thread(state.option, sender, int(keyword))
            prompt = await asyncio.to_thread(state.options_prompt, sender)
            if payload is not None:
                raw = payload
            elif prompt:  # a number that is not one of the choices: offer them again
                return format_reply([message("sms_pick_again", options=prompt)]).text
        if not raw:
            reply = format_reply(
                assemble_reply(prepare_turn(raw), [], channel=SMS_CHANNEL)[:-1], notice=notice
            )
            if notice and reply.noticed:
                # Told now; the last reply's options are kept for a "2" after it (README, "An
                # empty text that carried the line counts as telling a texter").
                await asyncio.to_thread(state.mark_told, sender)
            return reply.text
        turn, messages = await guarded_turn(
            on_new_message,
            raw,
            sender,
            self.name(),
            timeout=self.reply_timeout,
            lookup=lookup,
            render=for_sms,
            guess=guess,
        )
        if _says_automated(messages):
            notice = ""
        reply = format_reply(messages[:-1], keep_first=turn.safety.is_crisis, notice=notice)
        await _remember(state, sender, reply, notice)
        return reply.text
