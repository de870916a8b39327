"""Every module declares ``__all__``, every exported name exists, and the top level
re-exports the public API explicitly (design.md §5.3)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import cometchat_nb

NOTEBOOK_PREFIX = "cometchat_nb.notebook"

#: The public parts whose names the package root re-exports (websockets' tests/test_exports.py).
PUBLIC = (
    "cometchat_nb.errors",
    "cometchat_nb.listeners",
    "cometchat_nb.models",
    "cometchat_nb.settings",
    "cometchat_nb.sdk",
    "cometchat_nb.client",
    "cometchat_nb.protocol.states",
    "cometchat_nb.server",
)
#: Names of those parts the root leaves out, and why (reach them through their module).
NOT_AT_THE_ROOT = {
    # wire plumbing the client and the server share
    "error_from_wire": "errors",
    "short_repr": "errors",
    "message_from_wire": "models",
    "MEDIA_TYPES": "models",
    "media_file": "models",
    # the listener machinery behind Client.add_listener
    "LISTENERS": "listeners",
    "check_listener": "listeners",
    "snake_case": "listeners",
    # settings details (the region list, the defaults object)
    "CLOUD_REGIONS": "settings",
    "REGIONS": "settings",
    "DEFAULTS": "settings",
    # the state machine's table, for the supervisor and its tests
    "COMETCHAT_STATUS": "protocol.states",
    "TRANSITIONS": "protocol.states",
    "check_transition": "protocol.states",
}
#: Names the root defines itself.
ROOT_ONLY = {"__version__", "load_ipython_extension", "unload_ipython_extension"}


def _module_names() -> list[str]:
    names = ["cometchat_nb"]
    for info in pkgutil.walk_packages(cometchat_nb.__path__, "cometchat_nb."):
        if info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _module_names())
def test_module_has_all(name: str) -> None:
    mod = importlib.import_module(name)
    assert hasattr(mod, "__all__"), f"{name} has no __all__"
    for export in mod.__all__:
        assert hasattr(mod, export), f"{name}.__all__ lists {export!r} which does not exist"
    assert len(set(mod.__all__)) == len(mod.__all__), f"{name}.__all__ has duplicates"


def test_top_level_api() -> None:
    expected = {
        "CometChat",
        "Client",
        "EmbeddedServer",
        "AppSettings",
        "AppSettingsBuilder",
        "CometChatException",
        "ConnectionListener",
        "MessageListener",
        "UserListener",
        "GroupListener",
        "LoginListener",
        "TextMessage",
        "CustomMessage",
        "User",
        "Group",
        "ConnectionState",
        "ConnectionStateChange",
        "load_ipython_extension",
    }
    missing = expected - set(cometchat_nb.__all__)
    assert not missing, f"cometchat_nb.__all__ lacks {sorted(missing)}"
    for name in expected:
        assert getattr(cometchat_nb, name) is not None


def test_the_root_exports_the_public_parts_and_nothing_else() -> None:
    union: set[str] = set()
    for name in PUBLIC:
        union |= set(importlib.import_module(name).__all__)
    assert set(NOT_AT_THE_ROOT) <= union, "NOT_AT_THE_ROOT names something no public part exports"
    assert set(cometchat_nb.__all__) == (union - set(NOT_AT_THE_ROOT)) | ROOT_ONLY
    for name in union - set(NOT_AT_THE_ROOT):
        module = next(m for m in PUBLIC if name in importlib.import_module(m).__all__)
        assert getattr(cometchat_nb, name) is getattr(importlib.import_module(module), name), name
