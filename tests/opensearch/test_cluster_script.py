"""scripts/opensearch.py, the local cluster of `make opensearch-up`: driven as a process
against the cluster `make test` started (status, fetch from the cache), and its parts
that write a node's configuration or refuse a port in use, in a folder of the test's."""

import importlib.util
import socket
import subprocess
import sys

import pytest

from ..conftest import ROOT

SCRIPT = ROOT / "scripts" / "opensearch.py"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("opensearch_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.opensearch
def test_status_reports_the_running_cluster(opensearch_urls):
    done = run("status")
    assert done.returncode == 0, done.stdout + done.stderr
    for node, port in (("n1", 9201), ("n2", 9202), ("n3", 9203)):
        assert f"{node}: running pid " in done.stdout
        assert f"http {port} answers" in done.stdout
    assert "cluster vnsearch: green, 3 nodes" in done.stdout


@pytest.mark.opensearch
def test_fetch_answers_from_the_cache(opensearch_urls, script):
    done = run("fetch")
    assert done.returncode == 0, done.stderr
    home = ROOT / done.stdout.strip()
    assert home == script.installed_home()
    assert (home / "bin" / "opensearch").is_file()
    assert (home / "modules" / "analysis-common").is_dir()  # added from its own jar
    assert "mvn" not in done.stderr  # nothing fetched again


def test_an_unknown_command_is_a_usage_error():
    done = run("start")
    assert done.returncode == 2
    assert "usage: opensearch.py {up|down|status|fetch|clean}" in done.stderr


def test_a_node_s_configuration_names_its_ports_and_folders(script, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "opensearch.yml").write_text("# the distribution's\n")
    (home / "config" / "jvm.options").write_text(
        "-Xms1g\n-Xmx1g\n-XX:HeapDumpPath=data\n-Xlog:gc*:file=logs/gc.log:utctime\n"
    )
    (home / "config" / "log4j2.properties").write_text(
        "rootLogger.level = info\nrootLogger.appenderRef.console.ref = console\n"
    )
    monkeypatch.setattr(script, "BASE", tmp_path / "nodes")
    conf = script.write_config("n2", home)
    assert conf == tmp_path / "nodes" / "n2" / "config"
    settings = dict(
        line.split(": ", 1) for line in (conf / "opensearch.yml").read_text().splitlines()[1:]
    )
    assert settings["node.name"] == "n2" and settings["cluster.name"] == "vnsearch"
    assert (settings["http.port"], settings["transport.port"]) == ("9202", "9302")
    assert settings["path.data"] == str(tmp_path / "nodes" / "n2" / "data")
    assert "127.0.0.1:9301" in settings["discovery.seed_hosts"]
    assert settings["path.repo"] == f"[{tmp_path / 'nodes' / 'snapshots'}]"  # for snapshots
    assert (tmp_path / "nodes" / "snapshots").is_dir()
    jvm = (conf / "jvm.options").read_text()
    assert "-Xms" not in jvm and "-Xmx" not in jvm  # the heap: OPENSEARCH_JAVA_OPTS
    assert f"file={tmp_path / 'nodes' / 'n2' / 'logs'}/gc.log" in jvm
    assert "console" not in (conf / "log4j2.properties").read_text()
    for folder in ("data", "logs", "tmp"):
        assert (tmp_path / "nodes" / "n2" / folder).is_dir()


def test_a_node_whose_configuration_changed_is_noticed(script, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    for name in ("opensearch.yml", "jvm.options", "log4j2.properties"):
        (home / "config" / name).write_text("# the distribution's\n")
    monkeypatch.setattr(script, "BASE", tmp_path / "nodes")
    assert script.config_changed("n1")  # never started
    conf = script.write_config("n1", home)
    assert not script.config_changed("n1")  # as it started: `up` leaves it running
    written = (conf / "opensearch.yml").read_text()
    (conf / "opensearch.yml").write_text(written.replace("path.repo", "# path.repo"))
    assert script.config_changed("n1")  # started before path.repo: `up` restarts it


def test_a_port_in_use_by_another_process_is_refused(script, monkeypatch, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(script, "NODES", {"n1": {"http": port, "transport": port}})
        with pytest.raises(SystemExit) as stopped:
            script.check_ports_free(["n1"])
    assert stopped.value.code == 1
    assert f"port {port} of node n1 is in use" in capsys.readouterr().err
