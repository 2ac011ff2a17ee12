"""The ingest HTTP API: POST articles, get 202 with their ids; each becomes one entry on articles.raw."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from newsflow_schemas import Accepted, AcceptedArticle, ArticleSubmission, RawArticle, RejectedLine
from services.common.apikeys import KeyRing, dev_key_problem, presented_key
from services.common.connection import REDIS_ERRORS, AsyncRedis, async_client
from services.common.envelope import add_all
from services.common.errors import RejectedInput
from services.common.logging import configure_logging
from services.common.partitions import partition_streams
from services.common.pipeline import stage
from services.common.settings import IngestSettings
from services.common.stage import utcnow

from .auth import MAX_CLOCK_SKEW_S, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_problem
from .backlog import Backlog
from .core import admit, submission_from_json
from .ndjson import admit_lines, is_ndjson

MAX_BATCH = 1000
HEALTH_KEY_TTL_S = 60
T = TypeVar("T")
log = structlog.get_logger()


class HttpError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        self.status, self.reason = status, reason


@dataclass
class Ingest:
    """What the endpoints share: settings, keys, the Redis client, the raw stream's partitions."""

    settings: IngestSettings
    keys: KeyRing
    hmac_secret: str | None
    redis: AsyncRedis
    raw_streams: list[str]
    backlog: Backlog

    @property
    def health_key(self) -> str:
        # Beside the first raw stream (its hash tag too): on a cluster, a node the stream lives on.
        return f"{self.raw_streams[0]}:ingest-health"

    @classmethod
    def from_settings(cls, settings: IngestSettings) -> Ingest:
        timeout = settings.ingest_redis_timeout_s
        # A hung Redis is an outage after `timeout` (503), not a request waiting forever. A pooled
        # connection a Redis restart closed is retried on a new one (redis-py's default Retry).
        client = async_client(settings, socket_timeout=timeout, socket_connect_timeout=timeout)
        raw_streams = partition_streams(stage("ingest").output_stream(settings), settings)
        return cls(
            settings=settings,
            keys=KeyRing.from_settings(settings.ingest_api_key_digests, settings.ingest_api_keys),
            hmac_secret=settings.ingest_hmac_secret.get_secret_value() if settings.ingest_hmac_secret else None,
            redis=client,
            raw_streams=raw_streams,
            backlog=Backlog(client, raw_streams, group=stage("parse").name),
        )

    def authorise(self, request: Request) -> None:
        if not self.keys.accepts(presented_key(request.headers)):
            raise HttpError(401, "missing or wrong API key: send it in the X-API-Key header")

    async def check_backlog(self) -> None:
        limit = self.settings.ingest_max_backlog
        if limit and (waiting := await _or_unavailable(self.backlog.size())) >= limit:
            log.warning("back-pressure", waiting=waiting, limit=limit)
            raise HttpError(503, f"{waiting:,} articles are waiting to be parsed; retry later")

    async def read_body(self, request: Request) -> bytes:
        limit = self.settings.ingest_max_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise HttpError(413, f"the request body is over the {limit:,}-byte limit")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise HttpError(413, f"the request body is over the {limit:,}-byte limit")
        if self.hmac_secret:
            signature = request.headers.get(SIGNATURE_HEADER)
            timestamp = request.headers.get(TIMESTAMP_HEADER)
            if problem := signature_problem(
                self.hmac_secret, timestamp, signature, bytes(body), request.method, request.url.path
            ):
                raise HttpError(401, problem)
            await self.claim_signature(request, signature or "")
        return bytes(body)

    async def claim_signature(self, request: Request, signature: str) -> None:
        """Refuse a signed request seen before within the clock-skew window (a replay). The claim is
        given back when the request fails with a 5xx, so a client may send the same request again."""
        key = f"{self.raw_streams[0]}:signed:{hashlib.sha256(signature.encode()).hexdigest()[:32]}"
        claimed = await _or_unavailable(self.redis.set(key, b"1", nx=True, ex=2 * MAX_CLOCK_SKEW_S))
        if not claimed:
            raise HttpError(401, "this signed request was already received: sign each request afresh")
        request.state.signature_key = key

    async def read_json(self, request: Request) -> Any:
        body = await self.read_body(request)
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HttpError(422, f"the body is not valid JSON: {exc}") from exc
        except RecursionError as exc:
            raise HttpError(422, "the body is JSON nested too deeply") from exc

    def admit_all(self, items: list[Any]) -> list[RawArticle]:
        now, admitted = utcnow(), []
        for index, item in enumerate(items):
            try:
                submission = submission_from_json(item)
                admitted.append(admit(submission, uuid.uuid4().hex, now, self.settings.ingest_max_bytes))
            except RejectedInput as exc:
                where = f"article {index}: " if len(items) > 1 else ""
                raise HttpError(422, where + exc.reason) from exc
        return admitted

    async def publish(self, articles: list[RawArticle], rejected: list[RejectedLine] | None = None) -> Accepted:
        # One round trip per partition for a whole batch; a 202 only once every article was written.
        await _or_unavailable(add_all(self.redis, self.raw_streams, articles))
        for raw in articles:
            log.info("accepted", article_id=raw.article_id, trace_id=raw.trace_id, content_type=raw.content_type)
        accepted = [AcceptedArticle(article_id=a.article_id, trace_id=a.trace_id) for a in articles]
        return Accepted(accepted=accepted, rejected=rejected or [])


# Redis down, hung (past the timeout) or refusing writes (out of memory): the client may retry later.
_OUTAGE = (*REDIS_ERRORS, OSError, TimeoutError)


async def _or_unavailable(call: Awaitable[T]) -> T:
    try:
        return await call
    except _OUTAGE as error:
        log.warning("redis unavailable", error=f"{type(error).__name__}: {error}")
        raise HttpError(503, f"the article store's queue (Redis) is unavailable: {type(error).__name__}") from error


def ingest(request: Request) -> Ingest:
    return request.app.state.ingest  # type: ignore[no-any-return]


Service = Annotated[Ingest, Depends(ingest)]
router = APIRouter()
_SUBMISSION = ArticleSubmission.model_json_schema(ref_template="#/components/schemas/{model}")
_ONE = {"requestBody": {"required": True, "content": {"application/json": {"schema": _SUBMISSION}}}}
_MANY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": _SUBMISSION}},
            "application/x-ndjson": {"schema": _SUBMISSION},
        },
    }
}


@router.post("/v1/articles", status_code=202, response_model=Accepted, openapi_extra=_ONE)
async def submit_article(request: Request, service: Service) -> Accepted:
    """One article. Any JSON object with `html` or `text` (scraper keys like `maintext` work too)."""
    service.authorise(request)
    await service.check_backlog()
    return await service.publish(service.admit_all([await service.read_json(request)]))


@router.post("/v1/articles:batch", status_code=202, response_model=Accepted, openapi_extra=_MANY)
async def submit_batch(request: Request, service: Service) -> Accepted:
    """Many articles: a JSON array (or {"articles": [...]}), all accepted or none; or JSON Lines
    (`Content-Type: application/x-ndjson`), where a bad line is refused alone (`rejected`, by line
    number) and the others go on (422 only when no line is accepted)."""
    service.authorise(request)
    await service.check_backlog()
    if is_ndjson(request.headers.get("content-type")):
        body = await service.read_body(request)
        admitted, refused = admit_lines(body, utcnow(), service.settings.ingest_max_bytes)
        if (lines := len(admitted) + len(refused)) > MAX_BATCH:
            raise HttpError(422, f"a batch holds at most {MAX_BATCH} articles, this one has {lines}")
        if not admitted:
            reasons = "; ".join(f"line {r.line}: {r.reason}" for r in refused[:20])
            raise HttpError(422, f"no line was accepted: {reasons}" if refused else "the batch has no lines")
        return await service.publish(admitted, refused)
    data = await service.read_json(request)
    items = data.get("articles") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise HttpError(422, "a batch must be a non-empty JSON array of articles")
    if len(items) > MAX_BATCH:
        raise HttpError(422, f"a batch holds at most {MAX_BATCH} articles, this one has {len(items)}")
    return await service.publish(service.admit_all(items))


@router.get("/healthz")
async def health(service: Service) -> JSONResponse:
    """Healthy while Redis takes writes: PING alone answers while an out-of-memory Redis refuses every
    article, so a tiny expiring key is written too."""
    try:
        if await asyncio.wait_for(service.redis.ping(), timeout=2):
            await asyncio.wait_for(service.redis.set(service.health_key, b"1", ex=HEALTH_KEY_TTL_S), timeout=2)
            return JSONResponse({"status": "ok"})
    except (*REDIS_ERRORS, OSError, TimeoutError) as error:
        return JSONResponse({"status": f"redis unavailable: {type(error).__name__}"}, status_code=503)
    return JSONResponse({"status": "redis unreachable"}, status_code=503)


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    settings = settings or IngestSettings()
    configure_logging("ingest", settings.log_format, settings.log_level)
    service = Ingest.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await service.redis.aclose()

    app = FastAPI(
        title="newsflow ingest",
        description="Submit news articles (HTML or plain text) to the newsflow pipeline.",
        version="1",
        lifespan=lifespan,
    )
    app.state.ingest = service
    app.add_exception_handler(HttpError, _http_error)  # type: ignore[arg-type]
    app.include_router(router)
    return app


async def _http_error(request: Request, exc: HttpError) -> JSONResponse:
    service: Ingest = request.app.state.ingest
    if exc.status >= 500 and (key := getattr(request.state, "signature_key", None)):
        with contextlib.suppress(*_OUTAGE):  # Redis away: the claim expires by itself
            await service.redis.delete(key)
    retry_after = service.settings.ingest_retry_after_s
    headers = {"Retry-After": str(retry_after)} if exc.status == 503 else None
    return JSONResponse({"detail": exc.reason}, status_code=exc.status, headers=headers)


def serve(settings: IngestSettings) -> None:
    """The ingest stage's worker: the HTTP API until SIGINT/SIGTERM (what `newsflow worker ingest` runs)."""
    import uvicorn

    problem = dev_key_problem(
        settings.ingest_host, settings.ingest_api_key_digests, settings.ingest_api_keys, "NEWSFLOW_INGEST"
    )
    if problem:
        raise SystemExit(problem)
    uvicorn.run(create_app(settings), host=settings.ingest_host, port=settings.ingest_port, log_config=None)
