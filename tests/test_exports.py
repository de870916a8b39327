"""Every module declares ``__all__``, every exported name exists, and the top level
re-exports the public API explicitly (design.md §5.3)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import cometchat_nb

NOTEBOOK_PREFIX = "cometchat_nb.notebook"


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
