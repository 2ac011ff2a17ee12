"""Redis clients from the settings: one server, or a Redis Cluster with NEWSFLOW_REDIS_CLUSTER.

Everything beside the FastStream broker (group creation, trimming, dead-lettering's delivery count,
status, the store's announce script, the CLI) takes its client from here, so it follows MOVED
redirections and failovers the same way the broker does. Cluster clients use redis-py's own
`RedisCluster`; only single-key commands (and scripts whose keys share one slot) are sent through them.
"""

from __future__ import annotations

from typing import Any, TypeAlias
from urllib.parse import urlsplit

import redis
import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode as AsyncClusterNode
from redis.cluster import ClusterNode

from .settings import RedisSettings

SyncRedis: TypeAlias = redis.Redis | redis.RedisCluster
AsyncRedis: TypeAlias = aioredis.Redis | aioredis.RedisCluster
# What an outage or a failover can raise: the cluster client's "no node for this slot" (while a master
# is failing over) is not a RedisError.
REDIS_ERRORS = (redis.RedisError, redis.exceptions.RedisClusterException)


def seed_nodes(settings: RedisSettings) -> list[tuple[str, int]]:
    """The extra cluster seed nodes of NEWSFLOW_REDIS_CLUSTER_NODES, as (host, port)."""
    nodes = []
    for address in settings.redis_cluster_nodes:
        host, _, port = address.rpartition(":")
        nodes.append((host, int(port)))
    return nodes


def _cluster_url(url: str) -> str:
    # A cluster has only database 0 and redis-py's cluster client refuses a `db` argument: drop "/0".
    return urlsplit(url)._replace(path="").geturl()


def sync_client(settings: RedisSettings, **options: Any) -> SyncRedis:
    """A client that does not decode responses (stream entries are binary); `options` go to redis-py."""
    if settings.redis_cluster:
        nodes = [ClusterNode(host, port) for host, port in seed_nodes(settings)]
        return redis.RedisCluster.from_url(_cluster_url(settings.redis_url), startup_nodes=nodes or None, **options)
    return redis.Redis.from_url(settings.redis_url, **options)


def async_client(settings: RedisSettings, **options: Any) -> AsyncRedis:
    if settings.redis_cluster:
        nodes = [AsyncClusterNode(host, port) for host, port in seed_nodes(settings)]
        return aioredis.RedisCluster.from_url(_cluster_url(settings.redis_url), startup_nodes=nodes or None, **options)
    return aioredis.Redis.from_url(settings.redis_url, **options)


def redis_reachable(settings: RedisSettings) -> bool:
    """Whether Redis (every master, on a cluster) answers PING within a second or two."""
    try:
        client = sync_client(settings, socket_connect_timeout=1, socket_timeout=2)
    except (*REDIS_ERRORS, OSError):
        return False
    try:
        return bool(client.ping())
    except (*REDIS_ERRORS, OSError):
        return False
    finally:
        client.close()
