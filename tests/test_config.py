"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from emeeting.config import SettingError, from_env


def test_defaults_are_the_embedded_ones() -> None:
    settings = from_env({})
    assert settings.data == Path("data") and settings.port == 8000 and settings.host == "127.0.0.1"
    assert settings.base_url == "http://127.0.0.1:8000" and settings.sync == "FULL"


def test_the_environment_and_flags_override() -> None:
    env = {"EMEETING_DATA": "/srv/em", "PORT": "5000", "EMEETING_PUBLIC_URL": "https://meet.example.go.th/"}
    settings = from_env(env, port=6000, host=None)
    assert settings.data == Path("/srv/em") and settings.port == 6000 and settings.host == "127.0.0.1"
    assert settings.base_url == "https://meet.example.go.th"


def test_origins_are_normalised_and_null_is_never_allowed() -> None:
    settings = from_env({"EMEETING_ORIGINS": " https://Meet.Example.go.th/ ,null,, http://10.0.0.5:8000"})
    assert settings.origins == {"https://meet.example.go.th", "http://10.0.0.5:8000"}


def test_a_bad_sync_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="EMEETING_SYNC"):
        from_env({"EMEETING_SYNC": "OFF"})


def test_the_signing_key_is_made_once_and_kept(tmp_path: Path) -> None:
    settings = from_env({"EMEETING_DATA": str(tmp_path)})
    key = settings.signing_key()
    assert len(key) == 32 and settings.signing_key() == key
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    assert from_env({"EMEETING_DATA": str(tmp_path), "EMEETING_SECRET": "x"}).signing_key() == b"x"


def test_document_caps_from_the_environment() -> None:
    env = {"EMEETING_MAX_UPLOAD_MB": "5", "EMEETING_MAX_PAGES": "20", "EMEETING_PAGE_SECONDS": "2.5"}
    caps = from_env({**env, "EMEETING_WORKER_MEMORY_MB": "512", "EMEETING_OFFICE_SCRATCH_MB": "64"}).caps
    assert (caps.max_bytes, caps.max_pages, caps.page_seconds) == (5 * 1024 * 1024, 20, 2.5)
    assert (caps.worker_memory, caps.office_scratch) == (512 * 1024 * 1024, 64 * 1024 * 1024)
    assert from_env({"EMEETING_RENDER_WORKERS": "3"}).render_workers == 3
    # a LibreOffice kept running for 50 files by default (documents/warm.py); 0: one per file
    assert from_env({}).caps.office_warm_jobs == 50
    assert from_env({"EMEETING_OFFICE_WARM_JOBS": "0"}).caps.office_warm_jobs == 0


def test_rate_limits_link_days_and_send_buffer_from_the_environment() -> None:
    settings = from_env(
        {
            "EMEETING_LIMIT_FAILED_JOINS": "5/2",
            "EMEETING_LIMIT_UPLOADS": "7",
            "EMEETING_LINK_DAYS": "30",
            "EMEETING_SNDBUF_KB": "64",
        }
    )
    assert (settings.limits.failed_joins.burst, settings.limits.failed_joins.per_minute) == (5, 2.0)
    assert (settings.limits.uploads.burst, settings.limits.uploads.per_minute) == (7, 7.0)
    assert settings.limits.joins == from_env({}).limits.joins  # not set: the default
    assert (settings.link_days, settings.sndbuf_kb) == (30.0, 64)
    with pytest.raises(ValueError, match="burst/per_minute"):
        from_env({"EMEETING_LIMIT_JOINS": "many"})


def test_upload_budgets_from_the_environment_in_megabytes_and_pages() -> None:
    settings = from_env({"EMEETING_LIMIT_UPLOAD_MB": "300/60", "EMEETING_LIMIT_ALL_UPLOAD_PAGES": "9000/900"})
    mb = 1024 * 1024
    assert (settings.limits.upload_bytes.burst, settings.limits.upload_bytes.per_minute) == (300 * mb, 60.0 * mb)
    assert (settings.limits.all_upload_pages.burst, settings.limits.all_upload_pages.per_minute) == (9000, 900.0)
    assert settings.limits.upload_pages == from_env({}).limits.upload_pages


def test_the_minimum_of_secret_ballots_from_the_environment() -> None:
    assert from_env({}).secret_min_ballots == 3
    assert from_env({"EMEETING_SECRET_MIN_BALLOTS": "5"}).secret_min_ballots == 5
    with pytest.raises(ValueError, match="EMEETING_SECRET_MIN_BALLOTS"):
        from_env({"EMEETING_SECRET_MIN_BALLOTS": "0"})


@pytest.mark.parametrize(
    "value",
    [
        "meet.example.go.th",  # no scheme: a link a tablet cannot follow
        "ftp://meet.example.go.th",
        "https://",
        "https://user:pass@meet.example.go.th",  # a password printed on every sheet
        "https://meet.example.go.th/?next=x",
        "https://meet.example.go.th/#top",
        "https://meet.example.go.th:99999",
        "https://meet example.go.th",
    ],
)
def test_a_public_address_that_no_tablet_could_open_is_refused(value: str) -> None:
    with pytest.raises(SettingError, match="EMEETING_PUBLIC_URL"):
        from_env({"EMEETING_PUBLIC_URL": value})


def test_a_public_address_is_kept_as_the_base_of_every_link() -> None:
    settings = from_env({"EMEETING_PUBLIC_URL": "http://192.168.1.20:8000/"})
    assert settings.public_url == "http://192.168.1.20:8000" and settings.base_url == "http://192.168.1.20:8000"
    assert from_env({"EMEETING_PUBLIC_URL": "https://Meet.Example.go.th/emeeting/"}).base_url == (
        "https://meet.example.go.th/emeeting"
    )
