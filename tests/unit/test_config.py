"""Configuration: the generated secret key, URL normalisation, bad numbers."""

from __future__ import annotations

import threading

import pytest

from config import Config, _secret_key, normalise_database_url


def test_secret_key_is_generated_once_and_reused(tmp_path):
    first = _secret_key({}, tmp_path)
    assert len(first) == 64
    assert _secret_key({}, tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_workers_starting_together_agree_on_one_key(tmp_path):
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(_secret_key({}, tmp_path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8
    assert len(set(keys)) == 1


def test_an_empty_key_file_is_refused(tmp_path):
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="no usable secret key"):
        _secret_key({}, tmp_path)


def test_environment_secret_key_wins(tmp_path):
    assert _secret_key({"SECRET_KEY": "from-env"}, tmp_path) == "from-env"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_get_the_psycopg_driver(url, expected):
    assert normalise_database_url(url) == expected


def test_a_bad_number_names_the_variable(tmp_path):
    with pytest.raises(RuntimeError, match="HELPDESK_TRUSTED_PROXIES must be a whole number"):
        Config(tmp_path, environ={"SECRET_KEY": "k", "HELPDESK_TRUSTED_PROXIES": "one"})


@pytest.mark.parametrize("url", ["mysql://root@localhost/helpdesk", "oracle://x", "nonsense"])
def test_unsupported_databases_are_refused_at_start(url):
    with pytest.raises(RuntimeError, match="must be a SQLite"):
        normalise_database_url(url)
