"""Configuration from the environment: safe defaults on a laptop, no unsafe defaults in production."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shopwatch.settings import ImproperlyConfigured, load_settings, new_vapid_private_key, vapid_public_key

SHOPWATCH = str(Path(sys.executable).with_name("shopwatch"))
GOOD_KEY = "k" * 32
PRODUCTION = {
    "SHOPWATCH_ENV": "production",
    "SECRET_KEY": GOOD_KEY,
    "PUBLIC_URL": "https://shopwatch.example.org",
    "DATABASE_URL": "postgres://shopwatch@db.internal:5432/shopwatch",
    "VAPID_PRIVATE_KEY": new_vapid_private_key(),
    "VAPID_SUBJECT": "mailto:police-liaison@shopwatch.example.org",
}


def without(environ: dict[str, str], *names: str) -> dict[str, str]:
    return {name: value for name, value in environ.items() if name not in names}


# --- production ---------------------------------------------------------------------------------


def test_production_with_everything_set(tmp_path: Path) -> None:
    settings = load_settings(PRODUCTION, tmp_path)
    assert settings.is_production
    assert settings.secret_key == GOOD_KEY
    assert settings.public_url == "https://shopwatch.example.org"
    assert settings.database_url == PRODUCTION["DATABASE_URL"]
    assert settings.secure_cookies
    assert settings.mail_from == "Shopwatch <noreply@shopwatch.example.org>"
    assert not (tmp_path / "secret_key").exists()


def test_production_needs_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(without(PRODUCTION, "SECRET_KEY"), tmp_path)
    # It does not make one up either: every process must share the same key.
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("key", ["", "x", "k" * 31])
def test_production_refuses_a_short_secret_key(tmp_path: Path, key: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings({**PRODUCTION, "SECRET_KEY": key}, tmp_path)


def test_production_ignores_a_development_key_on_disk(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("a key generated on a laptop, long enough to pass")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(without(PRODUCTION, "SECRET_KEY"), tmp_path)


@pytest.mark.parametrize("public_url", [None, ""])
def test_production_needs_a_public_url(tmp_path: Path, public_url: str | None) -> None:
    environ = without(PRODUCTION, "PUBLIC_URL")
    if public_url is not None:
        environ["PUBLIC_URL"] = public_url
    with pytest.raises(ImproperlyConfigured, match="PUBLIC_URL"):
        load_settings(environ, tmp_path)


@pytest.mark.parametrize("public_url", ["shopwatch.example.org", "ftp://shopwatch.example.org", "https://"])
def test_the_public_url_must_be_an_http_url(tmp_path: Path, public_url: str) -> None:
    for environ in (PRODUCTION, {}):
        with pytest.raises(ImproperlyConfigured, match="PUBLIC_URL"):
            load_settings({**environ, "PUBLIC_URL": public_url}, tmp_path)


def test_production_refuses_an_in_memory_database(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="memory"):
        load_settings({**PRODUCTION, "DATABASE_URL": "sqlite://:memory:"}, tmp_path)


@pytest.mark.parametrize("env", ["prod", "Production", "dev", "test", ""])
def test_an_unknown_environment_is_refused(tmp_path: Path, env: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SHOPWATCH_ENV"):
        load_settings({**PRODUCTION, "SHOPWATCH_ENV": env}, tmp_path)


# --- email --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "smtp_url", ["http://mail.example.org", "mail.example.org:587", "smtp://", "submission://mail:587"]
)
def test_a_bad_smtp_url_is_refused(tmp_path: Path, smtp_url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SMTP_URL"):
        load_settings({"SMTP_URL": smtp_url}, tmp_path)


@pytest.mark.parametrize(
    "smtp_url", ["smtp://user:pass@mail.example.org:587", "smtps://mail.example.org:465"]
)
def test_smtp_and_smtps_urls_are_accepted(tmp_path: Path, smtp_url: str) -> None:
    assert load_settings({**PRODUCTION, "SMTP_URL": smtp_url}, tmp_path).smtp_url == smtp_url


def test_the_first_email_retry_waits_30_seconds_unless_told_otherwise(tmp_path: Path) -> None:
    assert load_settings({}, tmp_path).mail_first_retry_seconds == 30.0
    assert load_settings({"MAIL_FIRST_RETRY_SECONDS": "0.5"}, tmp_path).mail_first_retry_seconds == 0.5


@pytest.mark.parametrize("name", ["MAIL_FIRST_RETRY_SECONDS", "QUERY_TIME_LIMIT_SECONDS"])
@pytest.mark.parametrize("seconds", ["0", "-1", "soon", "nan", "86400"])
def test_a_bad_number_of_seconds_is_refused(tmp_path: Path, name: str, seconds: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=name):
        load_settings({name: seconds}, tmp_path)


def test_queries_are_stopped_after_3_seconds_unless_told_otherwise(tmp_path: Path) -> None:
    assert load_settings({}, tmp_path).query_time_limit_seconds == 3.0
    assert load_settings({"QUERY_TIME_LIMIT_SECONDS": "1.5"}, tmp_path).query_time_limit_seconds == 1.5


# --- development --------------------------------------------------------------------------------


def test_development_defaults_run_on_a_laptop(tmp_path: Path) -> None:
    var = tmp_path / "var"
    settings = load_settings({}, var)
    assert not settings.is_production
    assert settings.database_url == f"sqlite://{(var / 'shopwatch.sqlite3').resolve()}"
    assert settings.media_root == (var / "media").resolve()
    assert settings.mail_dir == (var / "mail").resolve()
    assert settings.smtp_url is None  # emails are written as files
    assert settings.public_url == "http://127.0.0.1:8000"
    assert not settings.secure_cookies  # a Secure cookie would never come back over http
    assert settings.mail_from == "Shopwatch <noreply@127.0.0.1>"


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path: Path) -> None:
    var = tmp_path / "var"
    first = load_settings({}, var)
    assert len(first.secret_key) >= 32
    key_file = var / "secret_key"
    assert key_file.read_text().strip() == first.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Sessions and links survive a restart: the next start reads the same key.
    assert load_settings({}, var).secret_key == first.secret_key
    # Another checkout gets its own key.
    assert load_settings({}, tmp_path / "other").secret_key != first.secret_key


def test_a_secret_key_from_the_environment_wins_in_development(tmp_path: Path) -> None:
    assert load_settings({"SECRET_KEY": "mine"}, tmp_path).secret_key == "mine"
    assert not (tmp_path / "secret_key").exists()


def test_the_environment_overrides_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgres://shopwatch@localhost/shopwatch",
            "MEDIA_ROOT": str(tmp_path / "photos"),
            "PUBLIC_URL": "http://192.168.1.20:8000",
            "MAIL_FROM": "Town Watch <watch@example.org>",
        },
        tmp_path,
    )
    assert settings.database_url == "postgres://shopwatch@localhost/shopwatch"
    assert settings.media_root == (tmp_path / "photos").resolve()
    assert settings.public_url == "http://192.168.1.20:8000"
    assert settings.mail_from == "Town Watch <watch@example.org>"


def test_the_var_dir_comes_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings({"SHOPWATCH_VAR_DIR": str(tmp_path / "state")})
    assert settings.database_url == f"sqlite://{(tmp_path / 'state' / 'shopwatch.sqlite3').resolve()}"
    assert (tmp_path / "state" / "secret_key").exists()


# --- the command line ---------------------------------------------------------------------------


def run_shopwatch(args: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = without(
        dict(os.environ),
        "SECRET_KEY",
        "PUBLIC_URL",
        "SMTP_URL",
        "DATABASE_URL",
        "VAPID_PRIVATE_KEY",
        "VAPID_SUBJECT",
    )
    return subprocess.run(  # noqa: S603 - our own console script
        [SHOPWATCH, *args],
        env={**base, **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("SECRET_KEY", "SECRET_KEY"),
        ("PUBLIC_URL", "PUBLIC_URL"),
        ("VAPID_PRIVATE_KEY", "VAPID_PRIVATE_KEY"),
        ("VAPID_SUBJECT", "VAPID_SUBJECT"),
    ],
)
def test_the_cli_will_not_start_in_production_without_its_settings(
    tmp_path: Path, missing: str, named: str
) -> None:
    database = tmp_path / "production.sqlite3"
    environ = {
        **without(PRODUCTION, missing),
        "DATABASE_URL": f"sqlite://{database}",
        "SHOPWATCH_VAR_DIR": str(tmp_path / "var"),
    }
    result = run_shopwatch(["migrate"], environ)
    assert result.returncode == 2
    assert named in result.stderr
    assert "Configuration error" in result.stderr
    assert not database.exists()
    assert not (tmp_path / "var").exists()


def test_the_cli_refuses_an_unknown_environment(tmp_path: Path) -> None:
    environ = {"SHOPWATCH_ENV": "staging", "SHOPWATCH_VAR_DIR": str(tmp_path / "var")}
    result = run_shopwatch(["export-schema"], environ)
    assert result.returncode == 2
    assert "SHOPWATCH_ENV" in result.stderr
    assert result.stdout == ""


def test_development_links_go_to_where_the_app_is_served_unless_public_url_says(tmp_path: Path) -> None:
    served = "http://127.0.0.1:8101"
    assert load_settings({}, tmp_path, served_at=served).public_url == served
    told = {"PUBLIC_URL": "https://shopwatch.example.org"}
    assert load_settings(told, tmp_path, served_at=served).public_url == "https://shopwatch.example.org"
    assert load_settings({}, tmp_path).public_url == "http://127.0.0.1:8000"


# --- Web Push (VAPID) ---------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["VAPID_PRIVATE_KEY", "VAPID_SUBJECT"])
def test_production_needs_a_vapid_key_and_subject(tmp_path: Path, missing: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="VAPID_PRIVATE_KEY and VAPID_SUBJECT"):
        load_settings(without(PRODUCTION, missing), var_dir=tmp_path)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VAPID_PRIVATE_KEY", "not a key!"),
        ("VAPID_PRIVATE_KEY", "AAAA"),
        ("VAPID_PRIVATE_KEY", "A" * 43),  # 32 zero bytes: not a private key
        ("VAPID_SUBJECT", "ops@shopwatch.example.org"),
        ("VAPID_SUBJECT", "http://shopwatch.example.org/contact"),
    ],
)
def test_a_bad_vapid_setting_is_refused(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=name):
        load_settings({**PRODUCTION, name: value}, var_dir=tmp_path)


def test_production_serves_the_public_key_of_its_vapid_key(tmp_path: Path) -> None:
    settings = load_settings(PRODUCTION, var_dir=tmp_path)
    assert settings.vapid_subject == PRODUCTION["VAPID_SUBJECT"]
    assert settings.vapid_public_key == vapid_public_key(PRODUCTION["VAPID_PRIVATE_KEY"])
    assert len(settings.vapid_public_key or "") == 87  # 65 bytes, base64url: what browsers take
    assert not (tmp_path / "vapid_private_key").exists()


def test_development_generates_a_vapid_key_once_and_keeps_it(tmp_path: Path) -> None:
    first = load_settings({}, var_dir=tmp_path)
    again = load_settings({}, var_dir=tmp_path)
    assert first.vapid_private_key == again.vapid_private_key
    assert first.vapid_subject == "mailto:noreply@127.0.0.1"
    path = tmp_path / "vapid_private_key"
    assert path.read_text() == first.vapid_private_key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_vapid_keys_prints_a_key_pair_without_any_settings(tmp_path: Path) -> None:
    environ = {"SHOPWATCH_ENV": "production", "SHOPWATCH_VAR_DIR": str(tmp_path / "var")}
    result = run_shopwatch(["vapid-keys"], environ)
    assert result.returncode == 0, result.stderr
    private_line, public_line = result.stdout.splitlines()
    private_key = private_line.removeprefix("VAPID_PRIVATE_KEY=")
    assert public_line.endswith(vapid_public_key(private_key))
    assert load_settings({**PRODUCTION, "VAPID_PRIVATE_KEY": private_key}, var_dir=tmp_path)
