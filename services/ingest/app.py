"""The ingest HTTP API: POST articles, get 202 with their ids; each becomes one entry on articles.raw."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from newsflow_schemas import Accepted, AcceptedArticle, ArticleSubmission, RawArticle, RejectedLine
from services.common.apikeys import KeyRing, presented_key
from services.common.broker import make_broker
from services.common.connection import async_client
from services.common.envelope import add_all
from services.common.errors import RejectedInput
from services.common.logging import configure_logging
from services.common.partitions import partition_streams
from services.common.settings import Settings
from services.common.stage import utcnow

from .auth import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_problem
from .backlog import Backlog
from .core import admit, submission_from_json
from .ndjson import admit_lines, is_ndjson

MAX_BATCH = 1000


class HttpError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        self.status, self.reason = status, reason


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging("ingest", settings.log_format, settings.log_level)
    log = structlog.get_logger()
    broker = make_broker(settings, "ingest")
    keys = KeyRing.from_settings(settings.ingest_api_key_digests, settings.ingest_api_keys)
    hmac_secret = settings.ingest_hmac_secret.get_secret_value() if settings.ingest_hmac_secret else None
    redis_client = async_client(settings)
    raw_streams = partition_streams(settings.stream_raw, settings)
    backlog = Backlog(redis_client, raw_streams, group="parse")
    submission_schema = ArticleSubmission.model_json_schema(ref_template="#/components/schemas/{model}")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await broker.start()
        yield
        await broker.stop()
        await redis_client.aclose()

    app = FastAPI(
        title="newsflow ingest",
        description="Submit news articles (HTML or plain text) to the newsflow pipeline.",
        version="1",
        lifespan=lifespan,
    )

    @app.exception_handler(HttpError)
    async def http_error(_request: Request, exc: HttpError) -> JSONResponse:
        headers = {"Retry-After": str(settings.ingest_retry_after_s)} if exc.status == 503 else None
        return JSONResponse({"detail": exc.reason}, status_code=exc.status, headers=headers)

    async def check_backlog() -> None:
        if settings.ingest_max_backlog and (waiting := await backlog.size()) >= settings.ingest_max_backlog:
            log.warning("back-pressure", waiting=waiting, limit=settings.ingest_max_backlog)
            raise HttpError(503, f"{waiting:,} articles are waiting to be parsed; retry later")

    def authorise(request: Request) -> None:
        if not keys.accepts(presented_key(request.headers)):
            raise HttpError(401, "missing or wrong API key: send it in the X-API-Key header")

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.ingest_max_bytes:
            raise HttpError(413, f"the request body is over the {settings.ingest_max_bytes:,}-byte limit")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > settings.ingest_max_bytes:
                raise HttpError(413, f"the request body is over the {settings.ingest_max_bytes:,}-byte limit")
        if hmac_secret and (
            problem := signature_problem(
                hmac_secret, request.headers.get(TIMESTAMP_HEADER), request.headers.get(SIGNATURE_HEADER), bytes(body)
            )
        ):
            raise HttpError(401, problem)
        return bytes(body)

    async def read_json(request: Request) -> Any:
        body = await read_body(request)
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HttpError(422, f"the body is not valid JSON: {exc}") from exc

    def admit_all(items: list[Any]) -> list[RawArticle]:
        now, admitted = utcnow(), []
        for index, item in enumerate(items):
            try:
                admitted.append(admit(submission_from_json(item), uuid.uuid4().hex, now, settings.ingest_max_bytes))
            except RejectedInput as exc:
                where = f"article {index}: " if len(items) > 1 else ""
                raise HttpError(422, where + exc.reason) from exc
        return admitted

    async def publish(articles: list[RawArticle], rejected: list[RejectedLine] | None = None) -> Accepted:
        await add_all(redis_client, raw_streams, articles)  # one round trip per partition for a whole batch
        for raw in articles:
            log.info("accepted", article_id=raw.article_id, trace_id=raw.trace_id, content_type=raw.content_type)
        accepted = [AcceptedArticle(article_id=a.article_id, trace_id=a.trace_id) for a in articles]
        return Accepted(accepted=accepted, rejected=rejected or [])

    body_doc = {"requestBody": {"required": True, "content": {"application/json": {"schema": submission_schema}}}}
    batch_doc = {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": submission_schema}},
                "application/x-ndjson": {"schema": submission_schema},
            },
        }
    }

    @app.post("/v1/articles", status_code=202, response_model=Accepted, openapi_extra=body_doc)
    async def submit_article(request: Request) -> Accepted:
        """One article. Any JSON object with `html` or `text` (scraper keys like `maintext` work too)."""
        authorise(request)
        await check_backlog()
        return await publish(admit_all([await read_json(request)]))

    @app.post("/v1/articles:batch", status_code=202, response_model=Accepted, openapi_extra=batch_doc)
    async def submit_batch(request: Request) -> Accepted:
        """Many articles: a JSON array (or {"articles": [...]}), all accepted or none; or JSON Lines
        (`Content-Type: application/x-ndjson`), where a bad line is refused alone (`rejected`, by line
        number) and the others go on (422 only when no line is accepted)."""
        authorise(request)
        await check_backlog()
        if is_ndjson(request.headers.get("content-type")):
            admitted, refused = admit_lines(await read_body(request), utcnow(), settings.ingest_max_bytes)
            if len(admitted) + len(refused) > MAX_BATCH:
                raise HttpError(
                    422, f"a batch holds at most {MAX_BATCH} articles, this one has {len(admitted) + len(refused)}"
                )
            if not admitted:
                lines = "; ".join(f"line {r.line}: {r.reason}" for r in refused[:20])
                raise HttpError(422, f"no line was accepted: {lines}" if refused else "the batch has no lines")
            return await publish(admitted, refused)
        data = await read_json(request)
        items = data.get("articles") if isinstance(data, dict) else data
        if not isinstance(items, list) or not items:
            raise HttpError(422, "a batch must be a non-empty JSON array of articles")
        if len(items) > MAX_BATCH:
            raise HttpError(422, f"a batch holds at most {MAX_BATCH} articles, this one has {len(items)}")
        return await publish(admit_all(items))

    @app.get("/healthz")
    async def health() -> JSONResponse:
        if await broker.ping(timeout=2):
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "redis unreachable"}, status_code=503)

    return app
