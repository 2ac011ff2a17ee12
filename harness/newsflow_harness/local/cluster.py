"""A private Redis Cluster on 127.0.0.1 (3 masters, 3 replicas) from the local redis-server binary,
for the cluster tests and `newsflow chaos --cluster-partitions`; `kill_master` fails a master over to its replica.
"""

from __future__ import annotations

import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from .servers import ServerUnavailable, _redis_binary

NODE_TIMEOUT_MS = 1000  # how long a silent master takes to be marked failed; small, so failover is quick


@dataclass
class ClusterNode:
    """One redis-server process of the cluster; it can be killed and started again on its port and data."""

    port: int
    directory: Path
    command: list[str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def ask(self, *args: str) -> Any:
        """One command on this node alone (no cluster redirection), on a connection of its own."""
        client = redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True, socket_timeout=2)
        try:
            return client.execute_command(*args)
        finally:
            client.close()

    def info(self, section: str) -> dict[str, str]:
        return {str(key): str(value) for key, value in self.ask("INFO", section).items()}


@dataclass
class LocalCluster:
    """Six nodes, three of them masters with a replica each; slots split evenly by `redis-cli --cluster create`."""

    nodes: list[ClusterNode]
    directory: Path
    events: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"redis://{self.nodes[0].address}/0"

    @property
    def seed_nodes(self) -> list[str]:
        """Every node's address: clients bootstrap from any that answers (the URL's node may be the dead one)."""
        return [node.address for node in self.nodes]

    def masters(self) -> dict[str, tuple[int, int]]:
        """Address of each live master -> the slot ranges it serves (first, last), from CLUSTER SHARDS."""
        owners: dict[str, tuple[int, int]] = {}
        for shard in map(_pairs, self._any_live().ask("CLUSTER", "SHARDS")):
            for node in map(_pairs, shard["nodes"]):
                if node["role"] == "master" and node["health"] == "online" and shard["slots"]:
                    owners[f"127.0.0.1:{node['port']}"] = (int(shard["slots"][0]), int(shard["slots"][-1]))
        return owners

    def master_of_slot(self, slot: int) -> str:
        return next(address for address, (first, last) in self.masters().items() if first <= slot <= last)

    def kill_master(self, address: str | None = None, timeout: float = 30) -> tuple[str, str]:
        """SIGKILL a master (the first live one unless given); wait until a replica took over its slots and
        the cluster is ok again. Returns (killed master, promoted replica)."""
        masters = self.masters()
        address = address or sorted(masters)[0]
        slots = masters[address]
        victim = next(node for node in self.nodes if node.address == address)
        victim.kill()
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                owners = {s: a for a, s in self.masters().items()}
                promoted = owners.get(slots)
                if promoted and promoted != address and self._state_ok():
                    self.events.append(
                        f"killed master {address}; {promoted} promoted in {time.monotonic() - started:.1f} s"
                    )
                    return address, promoted
            except redis.RedisError:
                continue
        raise ServerUnavailable(f"no replica took over from {address} within {timeout} s")

    def restart(self, address: str, timeout: float = 30) -> None:
        """Start a killed node again on its data: it rejoins as a replica of whoever took its slots."""
        node = next(node for node in self.nodes if node.address == address)
        node.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                replication = node.info("replication")
                if replication.get("role") == "slave" and replication.get("master_link_status") == "up":
                    self.events.append(f"{address} back as a replica")
                    return
            except redis.RedisError:
                continue
        raise ServerUnavailable(f"{address} did not rejoin as a replica within {timeout} s")

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _any_live(self) -> ClusterNode:
        return next(node for node in self.nodes if node.alive())

    def _state_ok(self) -> bool:
        """Every live node sees the cluster ok."""
        return all("cluster_state:ok" in node.ask("CLUSTER", "INFO") for node in self.nodes if node.alive())


def _pairs(flat: Any) -> dict[str, Any]:
    """CLUSTER SHARDS replies are flat [key, value, ...] lists under RESP2."""
    if isinstance(flat, dict):
        return flat
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def start_cluster(masters: int = 3, timeout: float = 60) -> LocalCluster:
    """Start 2 x `masters` redis-server processes with `cluster-enabled yes` and join them with
    `redis-cli --cluster create --cluster-replicas 1`; returns once every node reports cluster_state:ok."""
    redis_cli = shutil.which("redis-cli")
    if not redis_cli:
        raise ServerUnavailable("no redis-cli binary: it comes with redis-server (apt-get install redis-tools)")
    binary = _redis_binary()
    directory = Path(tempfile.mkdtemp(prefix="newsflow-cluster-"))
    nodes = []
    ports: list[int] = []
    for _ in range(masters * 2):
        port = _free_cluster_port(ports)
        ports.append(port)
        node_dir = directory / str(port)
        node_dir.mkdir()
        command = [
            binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(node_dir),
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", str(NODE_TIMEOUT_MS),
            # A replica may always take over, however long it was cut off (the default refuses stale ones).
            "--cluster-replica-validity-factor", "0",
            # Partitions on the other masters keep working while one master is failing over.
            "--cluster-require-full-coverage", "no",
            "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction",
            "--logfile", str(node_dir / "redis.log"),
        ]  # fmt: skip
        nodes.append(ClusterNode(port, node_dir, command))
    cluster = LocalCluster(nodes, directory)
    try:
        for node in nodes:
            node.start()
        _wait_until(lambda: all(_answers(node) for node in nodes), timeout, "the cluster nodes to answer")
        subprocess.run(
            [redis_cli, "--cluster", "create", *(node.address for node in nodes),
             "--cluster-replicas", "1", "--cluster-yes"],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
        _wait_until(lambda: cluster._state_ok() and _replicas_linked(cluster), timeout, "cluster_state:ok")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _free_cluster_port(taken: list[int]) -> int:
    """A free port whose cluster bus port (port + 10000) is free too: both must exist, so below 55536."""
    for _ in range(200):
        port = random.randrange(20_000, 30_000)
        if port in taken or port + 10_000 in taken:
            continue
        try:
            for candidate in (port, port + 10_000):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise ServerUnavailable("no free pair of ports for a cluster node")


def _answers(node: ClusterNode) -> bool:
    if not node.alive():
        raise ServerUnavailable(f"redis-server on port {node.port} exited; see {node.directory / 'redis.log'}")
    try:
        return bool(node.ask("PING"))
    except redis.RedisError:
        return False


def _replicas_linked(cluster: LocalCluster) -> bool:
    replicas = [node.info("replication") for node in cluster.nodes]
    return all(r.get("master_link_status") == "up" for r in replicas if r.get("role") == "slave")


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except redis.RedisError:
            pass
        time.sleep(0.1)
    raise ServerUnavailable(f"timed out after {timeout} s waiting for {what}")
