#!/usr/bin/env python3
"""Start and stop a local 3-node OpenSearch 2.19.x cluster for development and CI.

Usage (from anywhere; paths are relative to the project root), `make opensearch-up` and
`make opensearch-down` too:

    python3 scripts/opensearch.py up      start the missing nodes (and restart, one at a time,
                                          those whose configuration changed), wait for green
    python3 scripts/opensearch.py down    stop all nodes (SIGTERM, wait, SIGKILL), pid files
    python3 scripts/opensearch.py status  each node and the cluster's health (0 only if green)
    python3 scripts/opensearch.py fetch   only download and unpack the distribution
    python3 scripts/opensearch.py clean   down, then delete the nodes' data, logs and config

Nodes n1, n2, n3 listen on 127.0.0.1, HTTP 9201-9203, transport 9301-9303, plain
HTTP without the security plugin. Everything lives under var/opensearch/:

    dist/                       the cache: distribution zip, unpacked home, Maven repo
    n1/{config,data,logs,tmp}/  one folder per node (owned by the node's user)
    n1.pid, n2.pid, n3.pid      pid of each node's JVM
    snapshots/                  the nodes' path.repo: where `python -m indexer snapshot`
                                has the cluster write a snapshot (a filesystem repository)

A node's opensearch.yml is written when it starts. `up` compares what it would write
with what a running node started with: a node whose configuration changed (this
script's, such as path.repo) is stopped and started again, one node at a time, each
waiting for the cluster to be green, so the cluster keeps answering meanwhile.

The distribution is OpenSearch's integ-test zip from Maven Central
(org.opensearch.distribution.integ-test-zip:opensearch:<version>:zip), fetched with
Maven's dependency plugin, plus the analysis-common module (the integ-test zip ships
only transport-netty4), whose jar is on Maven Central too.

bin/opensearch refuses to run as root: when run as root, the nodes run as the system
user "opensearch" (created if missing). Otherwise they run as the current user.

Environment knobs: OPENSEARCH_VERSION (pin a version, default: first of 2.19.6, 2.19.5,
... that Maven Central serves), OPENSEARCH_HEAP (default 256m), OPENSEARCH_UP_TIMEOUT
(seconds, default 300), OPENSEARCH_STOP_TIMEOUT (seconds, default 60), OPENSEARCH_USER
(default opensearch, only used as root), OPENSEARCH_JAVA_HOME / JAVA_HOME.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "var" / "opensearch"
DIST = BASE / "dist"
LOCK = BASE / ".lock"

VERSIONS = ["2.19.6", "2.19.5", "2.19.4", "2.19.3", "2.19.2", "2.19.1", "2.19.0"]
ZIP_GA = "org.opensearch.distribution.integ-test-zip:opensearch"
MODULE_GA = {"analysis-common": "org.opensearch.plugin:analysis-common"}
MODULE_CLASS = {"analysis-common": "org.opensearch.analysis.common.CommonAnalysisPlugin"}
DEP_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy"
MVN_TRIES = 3

CLUSTER = "vnsearch"
HOST = "127.0.0.1"
NODES = {f"n{i}": {"http": 9200 + i, "transport": 9300 + i} for i in (1, 2, 3)}
HEAP = os.environ.get("OPENSEARCH_HEAP", "256m")
UP_TIMEOUT = float(os.environ.get("OPENSEARCH_UP_TIMEOUT", "300"))
STOP_TIMEOUT = float(os.environ.get("OPENSEARCH_STOP_TIMEOUT", "60"))
RUN_USER = os.environ.get("OPENSEARCH_USER", "opensearch")
MARKER = "VNSEARCH_OPENSEARCH_NODE"  # env var that tags each node's process


def log(msg: str) -> None:
    print(f"[opensearch] {msg}", file=sys.stderr, flush=True)


def die(msg: str, code: int = 1) -> None:
    log(f"error: {msg}")
    sys.exit(code)


@contextlib.contextmanager
def locked():
    """Serialize concurrent invocations (e.g. parallel make targets)."""
    BASE.mkdir(parents=True, exist_ok=True)
    with open(LOCK, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


# ---------------------------------------------------------------- distribution


def installed_home() -> Path | None:
    """The unpacked distribution to use, if one is complete in the cache."""
    wanted = os.environ.get("OPENSEARCH_VERSION")
    for version in [wanted] if wanted else VERSIONS:
        home = DIST / f"opensearch-{version}"
        if (home / ".complete").exists():
            return home
    return None


def mvn_copy(artifact: str, outdir: Path) -> bool:
    """Fetch one artifact from Maven Central into outdir, retrying a few times."""
    if not shutil.which("mvn"):
        die("mvn not found: install Maven (Debian package 'maven')")
    cmd = [
        "mvn",
        "-B",
        "-q",
        f"-Dmaven.repo.local={DIST / 'm2'}",
        DEP_PLUGIN,
        f"-Dartifact={artifact}",
        f"-DoutputDirectory={outdir}",
    ]
    for attempt in range(1, MVN_TRIES + 1):
        res = subprocess.run(
            cmd, cwd=DIST, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        if res.returncode == 0:
            return True
        tail = "\n".join(res.stdout.strip().splitlines()[-3:])
        log(f"mvn could not fetch {artifact} (try {attempt}/{MVN_TRIES}):\n{tail}")
        if "Could not find artifact" in res.stdout:
            return False  # not served: retrying will not help
        time.sleep(2 * attempt)
    return False


def extract_zip(zpath: Path, dest: Path) -> None:
    """Unzip keeping the Unix mode bits (zipfile drops them)."""
    with zipfile.ZipFile(zpath) as zf:
        for info in zf.infolist():
            target = dest / info.filename
            zf.extract(info, dest)
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                os.chmod(target, mode)


def install_module(home: Path, name: str, version: str, downloads: Path) -> None:
    """Add a module that the integ-test zip lacks, from its jar on Maven Central."""
    jar = downloads / f"{name}-{version}.jar"
    if not jar.exists() and not mvn_copy(f"{MODULE_GA[name]}:{version}", downloads):
        log(f"warning: module {name} {version} not on Maven Central; the nodes run without it")
        return
    moddir = home / "modules" / name
    moddir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(jar, moddir / jar.name)
    (moddir / "plugin-descriptor.properties").write_text(
        f"description=OpenSearch module {name} (added by scripts/opensearch.py)\n"
        f"version={version}\n"
        f"name={name}\n"
        f"classname={MODULE_CLASS[name]}\n"
        "java.version=11\n"
        f"opensearch.version={version}\n"
        "custom.foldername=\n"
        "extended.plugins=\n"
        "has.native.controller=false\n"
    )


def fetch() -> Path:
    """Make sure an unpacked distribution is in the cache; return its home."""
    home = installed_home()
    if home:
        return home
    DIST.mkdir(parents=True, exist_ok=True)
    downloads = DIST / "downloads"
    downloads.mkdir(exist_ok=True)
    wanted = os.environ.get("OPENSEARCH_VERSION")
    for version in [wanted] if wanted else VERSIONS:
        zpath = downloads / f"opensearch-{version}.zip"
        if not zpath.exists():
            log(f"downloading {ZIP_GA}:{version}:zip from Maven Central ...")
            if not mvn_copy(f"{ZIP_GA}:{version}:zip", downloads):
                continue
        home = DIST / f"opensearch-{version}"
        tmp = DIST / f".unpack-{version}"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
        tmp.mkdir()
        try:
            extract_zip(zpath, tmp)
        except zipfile.BadZipFile:
            log(f"{zpath} is corrupt; deleting it")
            zpath.unlink()
            shutil.rmtree(tmp, ignore_errors=True)
            continue
        (tmp / f"opensearch-{version}").rename(home)
        tmp.rmdir()
        for name in MODULE_GA:
            install_module(home, name, version, downloads)
        # Everyone may read the distribution (the nodes may run as another user).
        for dirpath, _dirnames, filenames in os.walk(home):
            os.chmod(dirpath, 0o755)
            for f in filenames:
                p = os.path.join(dirpath, f)
                os.chmod(p, 0o755 if os.stat(p).st_mode & 0o100 else 0o644)
        # The zip is kept in downloads/; drop the duplicate in the Maven repo.
        shutil.rmtree(DIST / "m2" / "org" / "opensearch", ignore_errors=True)
        (home / ".complete").write_text(version + "\n")
        log(f"OpenSearch {version} unpacked in {home.relative_to(ROOT)}")
        return home
    die("no OpenSearch 2.19.x integ-test distribution could be fetched from Maven Central")
    raise AssertionError


def java_home() -> str:
    for var in ("OPENSEARCH_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(var) and Path(os.environ[var], "bin", "java").exists():
            return os.environ[var]
    java = shutil.which("java")
    if not java:
        die("java not found: install a JDK 11, 17 or 21 (e.g. Debian's openjdk-17-jre-headless)")
    return str(Path(java).resolve().parent.parent)


# ---------------------------------------------------------------- user and permissions


def run_user() -> pwd.struct_passwd | None:
    """The user the nodes run as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(RUN_USER)
    except KeyError:
        pass
    log(f"creating system user '{RUN_USER}' (bin/opensearch refuses to run as root)")
    subprocess.run(
        [
            "useradd",
            "--system",
            "--no-create-home",
            "--user-group",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            RUN_USER,
        ],
        check=True,
    )
    return pwd.getpwnam(RUN_USER)


def user_can_traverse(st: os.stat_result, user: pwd.struct_passwd) -> bool:
    if st.st_uid == user.pw_uid:
        return bool(st.st_mode & stat.S_IXUSR)
    groups = {user.pw_gid} | {g for g in os.getgrouplist(user.pw_name, user.pw_gid)}
    if st.st_gid in groups:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def ensure_traversable(user: pwd.struct_passwd) -> None:
    """The node user must reach var/opensearch/ through every parent folder."""
    for d in [BASE, *BASE.parents]:
        st = d.stat()
        if not user_can_traverse(st, user):
            log(f"chmod o+x {d} (so that user '{user.pw_name}' can reach {BASE})")
            os.chmod(d, stat.S_IMODE(st.st_mode) | stat.S_IXOTH)


def chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    os.chown(path, user.pw_uid, user.pw_gid)
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), user.pw_uid, user.pw_gid)


# ---------------------------------------------------------------- processes


def node_dir(name: str) -> Path:
    return BASE / name


def snapshots_dir() -> Path:
    """The nodes' path.repo: a folder they share for filesystem snapshot repositories."""
    return BASE / "snapshots"


def pid_file(name: str) -> Path:
    return BASE / f"{name}.pid"


def proc_matches(pid: int, name: str) -> bool:
    """Is pid a live (non-zombie) process of this node of this project?"""
    try:
        statline = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    if statline.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
        return False
    want = f"{MARKER}={node_dir(name)}".encode()
    try:
        return want in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:  # not ours to read: fall back on the command line
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return b"org.opensearch.bootstrap.OpenSearch" in cmd and str(node_dir(name)).encode() in cmd


def is_jvm(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return b"org.opensearch.bootstrap.OpenSearch" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return False


def find_pid(name: str) -> int | None:
    """The node's JVM pid: from its pid file if valid, else by scanning /proc.

    While a node starts, its process may still be the bin/opensearch wrapper (or
    runuser): that pid is returned when no JVM of the node exists yet.
    """
    recorded = None
    with contextlib.suppress(OSError, ValueError):
        recorded = int(pid_file(name).read_text().strip())
        if proc_matches(recorded, name) and is_jvm(recorded):
            return recorded
    found = [int(e) for e in os.listdir("/proc") if e.isdigit() and proc_matches(int(e), name)]
    jvms = [p for p in found if is_jvm(p)]
    if jvms:
        return jvms[0]
    if recorded in found:
        return recorded
    return found[0] if found else None


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


def rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ---------------------------------------------------------------- HTTP


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, dict | None]:
    url = f"http://{HOST}:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:  # 408 on a wait_for_* timeout still has a body
        try:
            return e.code, json.loads(e.read() or b"null")
        except ValueError:
            return e.code, None
    except (OSError, ValueError):
        return 0, None


def health(wait: str = "", timeout: float = 5.0) -> dict | None:
    """Cluster health from the first node that answers (n1 first)."""
    for node in NODES.values():
        _code, body = http_get(node["http"], f"/_cluster/health{wait}", timeout)
        if isinstance(body, dict) and "status" in body:
            return body
    return None


# ---------------------------------------------------------------- node config


def node_config(name: str) -> str:
    """The opensearch.yml of a node."""
    nd = node_dir(name)
    ports = NODES[name]
    seeds = ", ".join(f'"{HOST}:{n["transport"]}"' for n in NODES.values())
    masters = ", ".join(f'"{n}"' for n in NODES)
    return (
        "# Written by python3 scripts/opensearch.py on every start; edits are lost.\n"
        f"cluster.name: {CLUSTER}\n"
        f"node.name: {name}\n"
        f"path.data: {nd / 'data'}\n"
        f"path.logs: {nd / 'logs'}\n"
        f"path.repo: [{snapshots_dir()}]\n"
        f"network.host: {HOST}\n"
        f"http.port: {ports['http']}\n"
        f"transport.port: {ports['transport']}\n"
        f"discovery.seed_hosts: [{seeds}]\n"
        f"cluster.initial_cluster_manager_nodes: [{masters}]\n"
        "bootstrap.memory_lock: false\n"
        "cluster.routing.allocation.disk.threshold_enabled: false\n"
    )


def config_changed(name: str) -> bool:
    """Whether a node started with another opensearch.yml than it would be given now."""
    try:
        return (node_dir(name) / "config" / "opensearch.yml").read_text() != node_config(name)
    except OSError:
        return True


def write_config(name: str, home: Path) -> Path:
    nd = node_dir(name)
    conf = nd / "config"
    for sub in ("data", "logs", "tmp"):
        (nd / sub).mkdir(parents=True, exist_ok=True)
    snapshots_dir().mkdir(parents=True, exist_ok=True)
    if not conf.exists():
        shutil.copytree(home / "config", conf)
    (conf / "opensearch.yml").write_text(node_config(name))
    # jvm.options: the heap comes from OPENSEARCH_JAVA_OPTS, and the relative paths
    # (resolved against the read-only distribution) point into this node's folder.
    src = (home / "config" / "jvm.options").read_text().splitlines()
    out = []
    for line in src:
        if re.match(r"^\s*-Xm[sx]", line):
            continue
        line = line.replace("-XX:HeapDumpPath=data", f"-XX:HeapDumpPath={nd / 'logs'}")
        line = line.replace("=logs/", f"={nd / 'logs'}/")
        line = line.replace("file=logs/", f"file={nd / 'logs'}/")
        line = line.replace("filecount=32,filesize=64m", "filecount=2,filesize=16m")
        out.append(line)
    (conf / "jvm.options").write_text("\n".join(out) + "\n")
    # No console appender: the node's log is in logs/vnsearch.log, not twice on stdout.
    l4j = conf / "log4j2.properties"
    l4j.write_text(
        "".join(
            line
            for line in (home / "config" / "log4j2.properties").read_text().splitlines(True)
            if not line.startswith("rootLogger.appenderRef.console.ref")
        )
    )
    return conf


def check_ports_free(names: list[str]) -> None:
    for name in names:
        for p in (NODES[name]["http"], NODES[name]["transport"]):
            if port_open(p):
                die(
                    f"port {p} of node {name} is in use by a process that is not this "
                    f"project's {name} (another cluster, or this project in another "
                    f"folder? see `ss -ltnp | grep {p}`)"
                )


def start_node(name: str, home: Path, user: pwd.struct_passwd | None) -> subprocess.Popen:
    ports = NODES[name]
    nd = node_dir(name)
    conf = write_config(name, home)
    if user:
        chown_tree(nd, user)
        os.chown(snapshots_dir(), user.pw_uid, user.pw_gid)  # the nodes write snapshots there
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(nd),
        "OPENSEARCH_JAVA_HOME": java_home(),
        "OPENSEARCH_PATH_CONF": str(conf),
        "OPENSEARCH_TMPDIR": str(nd / "tmp"),
        "OPENSEARCH_JAVA_OPTS": f"-Xms{HEAP} -Xmx{HEAP}",
        MARKER: str(nd),
    }
    cmd = [str(home / "bin" / "opensearch")]
    if user:
        if shutil.which("setpriv"):  # setpriv execs: the pid we get is the JVM's
            cmd = [
                "setpriv",
                f"--reuid={user.pw_uid}",
                f"--regid={user.pw_gid}",
                "--init-groups",
                "--",
                *cmd,
            ]
        else:
            cmd = ["runuser", "-u", user.pw_name, "--", *cmd]
    with open(nd / "logs" / "stdout.log", "ab") as out:
        if user:
            os.chown(out.name, user.pw_uid, user.pw_gid)
        proc = subprocess.Popen(
            cmd,
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own session: the node outlives this script
        )
    pid_file(name).write_text(f"{proc.pid}\n")
    log(
        f"started {name} (pid {proc.pid}, http {ports['http']}, "
        f"transport {ports['transport']}, heap {HEAP})"
    )
    return proc


def tail(path: Path, n: int = 25) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    return ""


# ---------------------------------------------------------------- commands


def cmd_up() -> int:
    t0 = time.monotonic()
    with locked():
        home = fetch()
        running = {n: find_pid(n) for n in NODES}
        missing = [n for n, pid in running.items() if pid is None]
        changed = [n for n, pid in running.items() if pid is not None and config_changed(n)]
        for n, pid in running.items():
            if pid is not None:
                pid_file(n).write_text(f"{pid}\n")  # repair a stale or missing pid file
        procs = {}
        if missing:
            with contextlib.suppress(OSError):
                mmc = int(Path("/proc/sys/vm/max_map_count").read_text())
                if mmc < 262144:
                    log(
                        f"note: vm.max_map_count is {mmc} (< 262144); fine here because the nodes "
                        "bind to 127.0.0.1 only (development mode: bootstrap checks only warn)"
                    )
            check_ports_free(missing)  # before starting any node
            user = run_user()
            if user:
                ensure_traversable(user)
            for n in missing:
                pid_file(n).unlink(missing_ok=True)
                procs[n] = start_node(n, home, user)
        h = wait_green(procs)
        for n in changed:  # one at a time: the others answer meanwhile
            log(f"{n} runs with an older configuration: restarting it")
            stop({n: running[n]})
            h = wait_green({n: start_node(n, home, run_user())})
        done = [f"started {', '.join(missing)}"] if missing else []
        done += [f"restarted {', '.join(changed)}"] if changed else []
        log(
            f"cluster '{h['cluster_name']}' green with {h['number_of_nodes']} nodes "
            f"({'; '.join(done) or 'already running'}; {time.monotonic() - t0:.1f}s)"
            f" at http://{HOST}:{NODES['n1']['http']}"
        )
    return 0


def wait_green(procs: dict[str, subprocess.Popen]) -> dict:
    """Wait for every node to be in a green cluster; die if a node of *procs* (just
    started) exits, or after UP_TIMEOUT. Return the cluster's health."""
    wait = f"?wait_for_status=green&wait_for_nodes={len(NODES)}&timeout=5s"
    deadline = time.monotonic() + UP_TIMEOUT
    while True:
        for n, p in procs.items():
            if p.poll() is not None:
                pid_file(n).unlink(missing_ok=True)
                die(
                    f"node {n} exited with code {p.returncode}; last lines of its logs:\n"
                    f"{tail(node_dir(n) / 'logs' / 'stdout.log')}\n"
                    f"{tail(node_dir(n) / 'logs' / f'{CLUSTER}.log')}"
                )
            # With runuser (no setpriv) the Popen pid is a wrapper: record the JVM's.
            pid = find_pid(n)
            if pid is not None and is_jvm(pid) and pid != p.pid:
                pid_file(n).write_text(f"{pid}\n")
        h = health(wait, timeout=10)
        if h and h.get("status") == "green" and h.get("number_of_nodes") == len(NODES):
            return h
        if time.monotonic() > deadline:
            die(
                f"cluster not green with {len(NODES)} nodes after {UP_TIMEOUT:.0f}s: {h}; "
                f"see var/opensearch/n*/logs/{CLUSTER}.log"
            )
        if h is None:
            time.sleep(1)


def stop(pids: dict[str, int]) -> None:
    """Stop the nodes of *pids* (name -> pid): SIGTERM, then SIGKILL after STOP_TIMEOUT."""
    live = dict(pids)
    for n, p in live.items():
        log(f"stopping {n} (pid {p})")
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while live and time.monotonic() < deadline:
        live = {n: p for n, p in live.items() if proc_matches(p, n)}
        if live:
            time.sleep(0.5)
    for n, p in live.items():
        log(f"{n} (pid {p}) still running after {STOP_TIMEOUT:.0f}s: SIGKILL")
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while live and time.monotonic() < deadline:
        live = {n: p for n, p in live.items() if proc_matches(p, n)}
        time.sleep(0.2)
    for n in pids:
        pid_file(n).unlink(missing_ok=True)
    if live:
        die(f"could not stop {', '.join(live)}")


def cmd_down() -> int:
    with locked():
        pids = {n: find_pid(n) for n in NODES}
        stop({n: p for n, p in pids.items() if p is not None})
        for n in NODES:
            pid_file(n).unlink(missing_ok=True)
        log("all nodes stopped" if any(pids.values()) else "no node was running")
    return 0


def cmd_status() -> int:
    home = installed_home()
    print(f"distribution: {home.relative_to(ROOT) if home else 'not fetched yet'}")
    for n, ports in NODES.items():
        pid = find_pid(n)
        state = f"running pid {pid}, rss {rss_kb(pid) // 1024} MiB" if pid else "stopped"
        http = "answers" if pid and http_get(ports["http"], "/")[0] == 200 else "-"
        print(f"{n}: {state}; http {ports['http']} {http}")
    h = health()
    if h:
        print(
            f"cluster {h['cluster_name']}: {h['status']}, {h['number_of_nodes']} nodes, "
            f"{h['active_shards']} active shards, {h['unassigned_shards']} unassigned"
        )
        return 0 if h["status"] == "green" and h["number_of_nodes"] == len(NODES) else 1
    print("cluster: not answering")
    return 3


def cmd_fetch() -> int:
    with locked():
        home = fetch()
    print(home)
    return 0


def cmd_clean() -> int:
    cmd_down()
    with locked():
        for n in NODES:
            if node_dir(n).exists():
                shutil.rmtree(node_dir(n))
                log(f"deleted {node_dir(n).relative_to(ROOT)}")
    return 0


COMMANDS = {
    "up": cmd_up,
    "down": cmd_down,
    "status": cmd_status,
    "fetch": cmd_fetch,
    "clean": cmd_clean,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(f"usage: {Path(sys.argv[0]).name} {{{'|'.join(COMMANDS)}}}", file=sys.stderr)
        return 2
    return COMMANDS[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
