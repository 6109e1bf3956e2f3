"""Production refuses to start without its secrets; development warns and runs."""

from __future__ import annotations

import logging

import pytest

from cradle.environment import MissingSecret, check_production_secrets, secret
from cradle.launcher import LaunchError, Stack, StackConfig


@pytest.mark.parametrize("name", ["CRADLE_SENDER_KEY", "CRADLE_SESSION_SECRET"])
def test_production_refuses_a_missing_secret(monkeypatch, name):
    monkeypatch.setenv("CRADLE_ENV", "production")
    monkeypatch.setenv("CRADLE_SENDER_KEY", "k")
    monkeypatch.setenv("CRADLE_SESSION_SECRET", "s")
    monkeypatch.delenv(name)
    with pytest.raises(MissingSecret, match=name):
        check_production_secrets()


def test_development_warns_and_runs(monkeypatch, caplog):
    monkeypatch.delenv("CRADLE_ENV", raising=False)
    monkeypatch.delenv("CRADLE_SESSION_SECRET", raising=False)
    with caplog.at_level(logging.WARNING):
        assert secret("CRADLE_SESSION_SECRET") is None
    assert "CRADLE_SESSION_SECRET is not set" in caplog.text


def test_cradle_serve_in_production_stops_before_starting_anything(monkeypatch, tmp_path):
    monkeypatch.setenv("CRADLE_ENV", "production")
    monkeypatch.delenv("CRADLE_SENDER_KEY", raising=False)
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")
    config = StackConfig.on_free_ports(model=model)
    with pytest.raises(LaunchError, match="CRADLE_SENDER_KEY"):
        Stack(config).check()
