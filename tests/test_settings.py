"""One table of settings, read alike by the library, the command line and the web app."""

import json
import shutil

import pytest

from indexer import settings
from indexer.settings import SETTINGS, SettingError, Settings
from indexer.whoosh import storage
from webapp import create_app

from .conftest import CORPUS


def test_defaults_then_environment_then_overrides():
    assert Settings.load(environ={}).time_limit == 5.0
    environ = {"VNSEARCH_TIME_LIMIT": "2", "VNSEARCH_INDEX": "/srv/a"}
    assert Settings.load(environ=environ).time_limit == 2.0  # typed: a float
    loaded = Settings.load({"time_limit": 0.5, "index": None}, environ=environ)
    assert (loaded.time_limit, loaded.index) == (0.5, "/srv/a")  # None leaves it unset


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("VNSEARCH_WORKERS", "two"),  # an integer
        ("VNSEARCH_TIME_LIMIT", "5s"),  # a number
        ("VNSEARCH_SUGGESTIONS", "8.5"),
    ],
)
def test_a_value_of_the_wrong_type_is_named(variable, value):
    with pytest.raises(SettingError, match=variable):
        Settings.load(environ={variable: value})


def test_unknown_overrides_are_refused():
    with pytest.raises(SettingError, match="colour"):
        Settings.load({"colour": "red"}, environ={})


def test_every_setting_has_help_and_is_in_the_readme():
    readme = (CORPUS.parent / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert setting.help and setting.variable.startswith("VNSEARCH_")
        assert f"`{setting.variable}`" in readme, setting.variable
        assert setting.variable in settings.describe()


def test_the_web_app_reads_the_same_table(monkeypatch, tmp_path):
    monkeypatch.setenv("VNSEARCH_SUGGESTIONS", "3")
    app = create_app({"INDEX": str(tmp_path), "TIME_LIMIT": "1.5", "TESTING": True})
    assert app.config["SUGGESTIONS"] == 3
    assert app.config["TIME_LIMIT"] == 1.5
    assert app.config["INDEX"] == str(tmp_path)
    assert app.extensions["engine"].time_limit == 1.5
    app.extensions["engine"].close()
    monkeypatch.setenv("VNSEARCH_RELOAD_SECONDS", "soon")
    with pytest.raises(SettingError, match="VNSEARCH_RELOAD_SECONDS"):
        create_app()


def test_the_command_line_reads_the_index_from_the_environment(cli, seed_index):
    result = cli("stats", env={"VNSEARCH_INDEX": str(seed_index)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"] == 5
    flag = cli("stats", "--index", seed_index, env={"VNSEARCH_INDEX": "/nowhere"})
    assert json.loads(flag.stdout)["documents"] == 5  # the flag wins
    bad = cli("stats", "--index", seed_index, env={"VNSEARCH_WORKERS": "many"})
    assert bad.returncode == 2 and "VNSEARCH_WORKERS must be an integer" in bad.stderr


def test_an_index_of_another_version_asks_for_a_rebuild(cli, seed_index, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(seed_index, old)
    info_path = storage.current_path(old) / "build.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    info.pop("format")  # as every build before the format was written
    info_path.write_text(json.dumps(info), encoding="utf-8")

    result = cli("search", "--index", old, "tổ chức")
    assert result.returncode == 2
    assert "built by another version of vnsearch: rebuild it" in result.stderr
    app = create_app({"INDEX": str(old), "TESTING": True})
    client = app.test_client()
    api = client.get("/api/search?q=tổ+chức")
    assert api.status_code == 503 and "rebuild" in api.json["error"]["message"]
    page = client.get("/?q=tổ+chức")
    assert page.status_code == 503 and "phiên bản khác" in page.get_data(as_text=True)
    app.extensions["engine"].close()
    assert cli("build", "--index", old, CORPUS, "--quiet", "--workers", "1").returncode == 0
    assert cli("search", "--index", old, "tổ chức").returncode == 0  # rebuilt: served again
