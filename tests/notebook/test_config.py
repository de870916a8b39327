"""The notebook settings' one home (notebook/config.py): the config file, regions derived from
settings.REGIONS, and one validator per setting whatever door the value comes through."""

from __future__ import annotations

from pathlib import Path

import pytest

from cometchat_nb import InvalidArgumentError
from cometchat_nb.notebook.config import (
    DEFAULT_MAX_ROWS,
    MAX_UI_HZ,
    REGIONS,
    check_max_rows,
    check_region,
    check_ui_hz,
    default_config_path,
    read_config,
)
from cometchat_nb.notebook.secrets import scrub
from cometchat_nb.protocol import rest
from cometchat_nb.settings import CLOUD_REGIONS, AppSettingsBuilder
from cometchat_nb.settings import REGIONS as SDK_REGIONS


def test_config_file_errors_and_defaults(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_config() == {}
    (isolated / "config.ini").write_text("not an ini file")
    with pytest.raises(InvalidArgumentError) as info:
        read_config()
    assert "config.ini" in str(info.value)
    (isolated / "config.ini").write_text("[other]\nx = 1\n")
    assert read_config() == {}
    monkeypatch.delenv("COMETCHAT_NB_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(isolated / "xdg"))
    assert default_config_path() == isolated / "xdg" / "cometchat_nb" / "config.ini"


def test_the_config_files_key_is_a_secret(isolated: Path) -> None:
    (isolated / "config.ini").write_text("[cometchat]\nauth_key = file-key-777\nregion = us\n")
    assert read_config() == {"auth_key": "file-key-777", "region": "us"}
    assert scrub("a file-key-777 b") == "a *** b"


def test_regions_have_one_home() -> None:
    assert REGIONS == CLOUD_REGIONS == ("eu", "us", "in")
    assert rest.REGIONS is SDK_REGIONS and (*CLOUD_REGIONS, "private") == SDK_REGIONS
    for region in rest.REGIONS:  # every region the SDK accepts builds settings
        assert AppSettingsBuilder().setRegion(region).build().region == region
    assert check_region(" US ") == "us"
    with pytest.raises(InvalidArgumentError, match="unknown region 'private'") as info:
        check_region("private")  # the notebook offers the cloud regions only
    assert info.value.code == "ERR_INVALID_REGION"


def test_one_validator_per_setting() -> None:
    assert check_max_rows(None) is None and check_max_rows(DEFAULT_MAX_ROWS) == DEFAULT_MAX_ROWS
    for bad in (0, -5, True, 1.5, "10"):
        with pytest.raises(InvalidArgumentError, match="max_rows must be a positive integer or None"):
            check_max_rows(bad)
    assert check_ui_hz(4) == 4.0 and check_ui_hz(MAX_UI_HZ) == MAX_UI_HZ
    for bad in (0, -1, MAX_UI_HZ + 1, True, float("nan"), "4"):
        with pytest.raises(InvalidArgumentError, match="ui_hz must be a number within"):
            check_ui_hz(bad)
