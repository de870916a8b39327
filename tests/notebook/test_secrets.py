"""Secrets (notebook/secrets.py): remembered once, scrubbed everywhere, longest first; errors as
one scrubbed line."""

from __future__ import annotations

import threading

from cometchat_nb import InvalidArgumentError
from cometchat_nb.notebook.secrets import one_line, remember_secret, scrub


def test_scrub_replaces_remembered_secrets_longest_first() -> None:
    remember_secret("sec-abc-1")
    remember_secret("sec-abc-1-longer")
    assert scrub("x sec-abc-1-longer y sec-abc-1 z") == "x *** y *** z"
    remember_secret(None)
    remember_secret("abc")  # too short: it would blank out ordinary words
    assert scrub("abc") == "abc"


def test_one_line_is_scrubbed_and_on_one_line() -> None:
    remember_secret("one-line-secret-9")
    error = InvalidArgumentError("bad key one-line-secret-9\n  try again", code="AUTH_ERR_APIKEY_NOT_FOUND")
    assert one_line(error) == "[AUTH_ERR_APIKEY_NOT_FOUND] bad key *** try again"
    assert one_line(OSError("disk\nfull")) == "OSError: disk full"


def test_remembering_while_scrubbing_from_other_threads() -> None:
    stop = threading.Event()
    errors: list[BaseException] = []

    def scrubbing() -> None:
        try:
            while not stop.is_set():
                scrub("nothing secret here")
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=scrubbing)
    thread.start()
    for i in range(2000):
        remember_secret(f"threaded-secret-{i:05d}")
    stop.set()
    thread.join(10)
    assert not errors and scrub("threaded-secret-01999") == "***"
