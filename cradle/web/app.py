"""Cradle's web server: the demo FIS page, the widget, the services API and health.

The chat itself is a Rasa channel (`bot/channels/web_chat.py`) that owns the session, the
origin check and the rate limit; this server tells the widget where it is (CRADLE_CHAT_URL,
default `/api/chat` on the widget's own host, which nginx sends to the channel).

An aiohttp app factory; resources (the catalogue) are opened and closed with cleanup_ctx, never
at import.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from cradle.areas import get_areas
from cradle.audience import normalise_audience
from cradle.catalogue.search import open_catalogue
from cradle.catalogue.store import BadQuery, Catalogue, CatalogueUnavailable, SearchQuery
from cradle.chat_session import listed_origin, origin_allowed, parse_origins

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MAX_REQUEST_BYTES = 16 * 1024
# The one line of widget.js that names the chat API; the server writes the configured URL in.
CHAT_URL_LINE = 'var CHAT_URL = "/api/chat";'


@dataclass(frozen=True)
class WebConfig:
    chat_url: str = "/api/chat"  # the web chat channel, as the browser reaches it
    embed_origins: tuple[str, ...] = ()  # sites that may embed the widget or frame the page
    catalogue: Path | None = None  # default: CRADLE_CATALOGUE or var/catalogue.db

    @classmethod
    def from_env(cls) -> WebConfig:
        return cls(
            chat_url=os.environ.get("CRADLE_CHAT_URL", "").strip() or "/api/chat",
            embed_origins=parse_origins(os.environ.get("CRADLE_EMBED_ORIGINS", "")),
        )

    @property
    def chat_origin(self) -> str | None:
        """The chat's origin when it is not this server's (it must be in connect-src)."""
        parts = urlsplit(self.chat_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


CONFIG = web.AppKey("config", WebConfig)
WIDGET = web.AppKey("widget", bytes)
CATALOGUE = web.AppKey("catalogue", Catalogue)
_BOOL = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
_SERVICE_PARAMS = {"need", "audience", "area", "open_now", "contact", "cost", "q", "limit"}


@web.middleware
async def embed_policy(request: web.Request, handler: Any) -> web.StreamResponse:
    """CORS for the council sites that embed the widget; 403 for every other site."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    origin = request.headers.get("Origin")
    embed_origins = request.app[CONFIG].embed_origins
    # The same rule as the chat channel's (cradle/chat_session.py), so a council site listed in
    # CRADLE_EMBED_ORIGINS may use both or neither.
    if not origin_allowed(origin, request.host, embed_origins):
        raise web.HTTPForbidden(text="this site is not allowed to use the Cradle services API")
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
    else:
        response = await handler(request)
    cors = listed_origin(origin, embed_origins)
    if cors is not None:
        response.headers["Access-Control-Allow-Origin"] = cors
        response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response.headers["Vary"] = "Origin"
    return response


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        if exc.status >= 400 and not exc.text:
            exc.text = exc.reason
        _add_headers(request, response)
        raise
    _add_headers(request, response)
    return response


def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    config = request.app[CONFIG]
    ancestors = " ".join(("'self'", *config.embed_origins))
    connect = " ".join(("'self'", *filter(None, [config.chat_origin])))
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {connect}; object-src 'none'; base-uri 'none'; frame-ancestors {ancestors}"
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"


async def index(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def widget(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[WIDGET],
        content_type="application/javascript",
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )


def render_widget(chat_url: str) -> bytes:
    """widget.js with the chat API's URL written in (relative URLs resolve against the
    widget's own address, so the one-tag embed works from any site)."""
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    if CHAT_URL_LINE not in source:
        raise RuntimeError(f"widget.js has lost the line {CHAT_URL_LINE!r}")
    return source.replace(CHAT_URL_LINE, f"var CHAT_URL = {json.dumps(chat_url)};").encode()


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _catalogue(request: web.Request) -> Catalogue:
    try:
        return request.app[CATALOGUE]
    except KeyError as err:
        raise web.HTTPServiceUnavailable(text="the service catalogue is not available") from err


def query_from_params(params: Any) -> SearchQuery:
    """Check the query string; a web.HTTPBadRequest names the first bad parameter."""
    unknown = sorted(set(params) - _SERVICE_PARAMS)
    if unknown:
        raise web.HTTPBadRequest(text=f"unknown parameter: {unknown[0]}")
    needs = tuple(n for n in params.get("need", "").split(",") if n)
    audience = None
    if params.get("audience"):
        audience = normalise_audience(params["audience"])
        if audience is None:
            raise web.HTTPBadRequest(text="audience must be mum, dad-or-partner or parent")
    district = None
    if params.get("area"):
        district = get_areas().resolve(params["area"]).district
        if district is None:
            raise web.HTTPBadRequest(text="area is not a Warwickshire district, town or postcode")
    open_now = _BOOL.get(params.get("open_now", "false").lower())
    if open_now is None:
        raise web.HTTPBadRequest(text="open_now must be true or false")
    try:
        limit = int(params.get("limit", "10"))
    except ValueError as err:
        raise web.HTTPBadRequest(text="limit must be a whole number") from err
    return SearchQuery(
        needs=needs,
        district=district,
        audience=audience,
        open_now=open_now,
        contact=params.get("contact") or None,
        cost=params.get("cost") or None,
        text=params.get("q") or None,
        limit=limit,
    )


async def services(request: web.Request) -> web.Response:
    """GET /api/services?need=&audience=&area=&open_now=: current kite-marked services."""
    query = query_from_params(request.query)
    catalogue = _catalogue(request)
    try:
        outcome = await asyncio.to_thread(catalogue.search, query)
    except BadQuery as err:
        raise web.HTTPBadRequest(text=str(err)) from err
    return web.json_response(
        {
            "services": [r.card() for r in outcome.results],
            "local_found": outcome.local_found,
        }
    )


async def service_detail(request: web.Request) -> web.Response:
    """GET /api/services/{id}: one service, only while it may be signposted."""
    service_id = request.match_info["id"]
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", service_id) or len(service_id) > 100:
        raise web.HTTPBadRequest(text="a service id is lower-case words joined by hyphens")
    result = await asyncio.to_thread(_catalogue(request).get, service_id)
    if result is None:
        raise web.HTTPNotFound(text=f"no current kite-marked service {service_id!r}")
    return web.json_response(result.card())


async def _open_catalogue(app: web.Application) -> AsyncIterator[None]:
    try:
        app[CATALOGUE] = open_catalogue(app[CONFIG].catalogue)
    except CatalogueUnavailable as err:
        logger.error("service catalogue unavailable: %s", err)
    yield
    if CATALOGUE in app:
        app[CATALOGUE].close()


def create_app(config: WebConfig | None = None) -> web.Application:
    app = web.Application(
        middlewares=[security_headers, embed_policy], client_max_size=MAX_REQUEST_BYTES
    )
    app[CONFIG] = config or WebConfig.from_env()
    app[WIDGET] = render_widget(app[CONFIG].chat_url)
    app.cleanup_ctx.append(_open_catalogue)
    app.router.add_get("/", index)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/widget.js", widget)
    app.router.add_get("/api/services", services)
    app.router.add_get("/api/services/{id}", service_detail)
    app.router.add_static("/static/", STATIC)
    return app
