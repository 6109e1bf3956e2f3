"""The web server: health, security headers, the widget told where the chat is, services API.

The chat itself is Rasa's web chat channel: tests/unit/test_chat_session.py and
tests/integration/test_web_chat.py."""

from __future__ import annotations

import pytest

from cradle.web.app import WebConfig, create_app

CHAT = "http://127.0.0.1:5005/webhooks/web_chat/webhook"
COUNCIL = "https://www.warwickshire.gov.uk"


@pytest.fixture()
async def client(aiohttp_client):
    return await aiohttp_client(create_app(WebConfig(chat_url=CHAT, embed_origins=(COUNCIL,))))


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/widget.js", "/healthz"])
async def test_security_headers_on_every_page(client, path):
    response = await client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert f"frame-ancestors 'self' {COUNCIL}" in csp
    # The page may talk to the chat channel on its own origin, and nowhere else.
    assert "connect-src 'self' http://127.0.0.1:5005;" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_demo_page_embeds_the_widget_with_one_script_tag(client):
    page = await (await client.get("/")).text()
    assert page.count("<script") == 1 and 'src="/widget.js"' in page


@pytest.mark.parametrize(
    ("chat_url", "line", "connect"),
    [
        (CHAT, f'var CHAT_URL = "{CHAT}";', "connect-src 'self' http://127.0.0.1:5005;"),
        # Behind nginx: /api/chat on the widget's own host, nothing else to allow.
        ("/api/chat", 'var CHAT_URL = "/api/chat";', "connect-src 'self';"),
    ],
)
async def test_the_widget_is_told_where_the_chat_is(aiohttp_client, chat_url, line, connect):
    client = await aiohttp_client(create_app(WebConfig(chat_url=chat_url)))
    response = await client.get("/widget.js")
    assert response.content_type == "application/javascript"
    assert line in await response.text()
    assert connect in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/api/chat", "/api/chat/end"])
async def test_the_web_server_no_longer_takes_chat_messages(client, path):
    response = await client.post(path, json={"message": "hello"})
    assert response.status in (404, 405)


@pytest.fixture()
async def api(aiohttp_client, real_catalogue_path):
    config = WebConfig(catalogue=real_catalogue_path)
    return await aiohttp_client(create_app(config))


async def test_services_api_returns_listed_services_local_first(api):
    response = await api.get(
        "/api/services", params={"need": "low-mood", "area": "CV21", "audience": "dad"}
    )
    assert response.status == 200
    body = await response.json()
    cards = body["services"]
    assert cards and all(c["kitemark"]["status"] == "listed" for c in cards)
    # The card names the scheme as it is: a sample listing, not a kite mark.
    assert all(c["kitemark"]["scheme_name"] == "Cradle sample catalogue" for c in cards)
    assert all("Not yet checked by a quality scheme" in c["kitemark"]["label"] for c in cards)
    assert all({"low-mood", "dads"} & set(c["needs"]) for c in cards)
    first = cards[0]
    assert {
        "id",
        "name",
        "description",
        "organization",
        "phones",
        "areas",
        "audiences",
        "needs",
        "opening",
        "cost",
        "kitemark",
        "last_verified",
    } <= set(first)
    assert "open_now" in first["opening"] and "next_open" in first["opening"]


async def test_one_service_by_id(api):
    response = await api.get("/api/services/samaritans")
    assert response.status == 200
    assert (await response.json())["phones"][0]["number"] == "116 123"
    assert (await api.get("/api/services/not-a-service")).status == 404


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"area": "Narnia"}, "area"),
        ({"area": "x' OR 1=1"}, "area"),
        ({"need": "astrology"}, "unknown need"),
        ({"audience": "cat"}, "audience"),
        ({"open_now": "maybe"}, "open_now"),
        ({"limit": "lots"}, "limit"),
        ({"limit": "500"}, "limit"),
        ({"contact": "pigeon"}, "contact"),
        ({"q": "!!!"}, "search text"),
        ({"drop": "table"}, "unknown parameter"),
    ],
)
async def test_bad_parameters_get_a_400_with_a_reason(api, params, reason):
    response = await api.get("/api/services", params=params)
    assert response.status == 400
    assert reason in await response.text()


async def test_bad_service_ids_get_a_400(api):
    assert (await api.get("/api/services/..%2F..%2Fetc")).status in (400, 404)
    assert (await api.get("/api/services/DROP TABLE")).status == 400


@pytest.mark.parametrize(
    ("origin", "status", "cors"),
    [
        (None, 200, None),
        (COUNCIL, 200, COUNCIL),
        (COUNCIL + "/", 200, COUNCIL),  # as CRADLE_EMBED_ORIGINS is parsed: no trailing slash
        ("https://evil.example", 403, None),
        ("null", 403, None),
    ],
)
async def test_only_allowed_sites_may_use_the_services_api(
    aiohttp_client, real_catalogue_path, origin, status, cors
):
    config = WebConfig(catalogue=real_catalogue_path, embed_origins=(COUNCIL,))
    client = await aiohttp_client(create_app(config))
    headers = {"Origin": origin} if origin else {}
    response = await client.get("/api/services?need=low-mood", headers=headers)
    assert response.status == status
    assert response.headers.get("Access-Control-Allow-Origin") == cors


async def test_the_services_api_follows_the_chats_origin_rule_behind_a_tls_proxy(
    aiohttp_client, real_catalogue_path
):
    # The browser's page is https; this server sees http from the proxy. The chat channel
    # allows its own host whatever the scheme, and the services API must agree with it.
    client = await aiohttp_client(create_app(WebConfig(catalogue=real_catalogue_path)))
    own = f"https://{client.server.host}:{client.server.port}"
    response = await client.get("/api/services?need=low-mood", headers={"Origin": own})
    assert response.status == 200
    assert "Access-Control-Allow-Origin" not in response.headers  # same site: no CORS needed
