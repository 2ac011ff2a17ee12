"""The query API: routes over the store's read side (store/queries.py, store/search.py), the status
JSON and the web page. Routes are module-level; create_app only assembles them with their state."""

# No `from __future__ import annotations`: FastAPI reads the handlers' annotations at registration.
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import redis
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from sqlalchemy import Connection, Engine

from newsflow_schemas.articles import EntityType
from services.common.apikeys import API_KEY_HEADER, KeyRing
from services.common.connection import sync_client
from services.common.logging import configure_logging
from services.common.settings import ApiSettings
from services.status.core import pipeline_status
from services.store import queries
from services.store.paging import DEFAULT_LIMIT, MAX_OFFSET, BadParameter, Cursor, NameCursor
from services.store.repository import Store, database_engine
from services.store.schema import require_current
from services.store.search import SearchUnavailable, search

from . import models
from .deps import (
    _ERRORS,
    Api,
    CursorParam,
    Db,
    Limit,
    Since,
    Until,
    _api,
    _link,
    check_interval,
    refuse_nul,
    require_key,
)
from .downstream import downstream

STATIC = Path(__file__).parent / "static"
# The page runs only its own script and style: article text that slipped through as markup could not run.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_key), Depends(refuse_nul)], responses=_ERRORS)
site = APIRouter()


@v1.get("/articles", response_model=models.ArticlePage)
def list_articles(
    request: Request,
    db: Db,
    limit: Limit = DEFAULT_LIMIT,
    cursor: CursorParam = None,
    order: Annotated[queries.Order, Query(description="Newest first by stored_at or published_at.")] = "stored",
    entity_id: Annotated[str | None, Query(description="Articles naming this entity.")] = None,
    entity: Annotated[str | None, Query(description="... or this entity name (any case).")] = None,
    entity_type: Annotated[EntityType | None, Query(description="The named entity's type.")] = None,
    story_id: Annotated[str | None, Query(description="Articles of this story.")] = None,
    published_after: Since = None,
    published_before: Until = None,
    stored_after: Since = None,
    stored_before: Until = None,
) -> dict[str, Any]:
    """Latest stored articles; filter by entity, story, and publication or storage time."""
    if entity_id and entity:
        raise BadParameter("entity_id, entity: give one of them, not both")
    if entity_type and not entity:
        raise BadParameter("entity_type: only with entity (a name)")
    check_interval("published", published_after, published_before)
    check_interval("stored", stored_after, stored_before)
    ids = (entity_id,) if entity_id else queries.entity_ids_named(entity, entity_type) if entity else None
    where = queries.ArticleFilter(ids, story_id, published_after, published_before, stored_after, stored_before)
    return _article_page(request, db, where, order, limit, cursor)


def _article_page(
    request: Request, db: Connection, where: queries.ArticleFilter, order: queries.Order, limit: int, cursor: str | None
) -> dict[str, Any]:
    items, after = queries.list_articles(db, where, order, limit, Cursor.decode(cursor) if cursor else None)
    return {"items": items, "next": _link(request, cursor=after.encode()) if after else None}


@v1.get("/articles/{article_id}", response_model=models.Article, responses={404: {"model": models.Problem}})
def get_article(article_id: str, db: Db) -> dict[str, Any]:
    """One article: the whole enriched document, its story and revision."""
    if (found := queries.article(db, article_id)) is None:
        raise HTTPException(404, f"no article {article_id}")
    return found


@v1.get("/search", response_model=models.SearchPage, responses={503: {"model": models.Problem}})
def search_articles(
    request: Request,
    db: Db,
    q: Annotated[str, Query(max_length=500, description='Words (all must match), "a phrase", OR, -excluded.')],
    limit: Limit = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    """Full-text search over titles and bodies, best match first, with a highlighted snippet."""
    hits = search(db, q, limit, offset)
    more = len(hits) > limit
    return {"items": hits[:limit], "next": _link(request, offset=offset + limit) if more else None}


@v1.get("/entities", response_model=models.EntityPage)
def find_entities(
    request: Request,
    db: Db,
    name: Annotated[
        str | None, Query(min_length=1, max_length=300, description="The entity's name, any case; none: all.")
    ] = None,
    type: Annotated[EntityType | None, Query(description="Only of this type.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> dict[str, Any]:
    """Entities by name, with their article counts and ids: the ones with this name (one per type), or
    all of them."""
    ids = queries.entity_ids_named(name, type) if name else None
    after = NameCursor.decode(cursor) if cursor else None
    items, last = queries.list_entities(db, ids, type, limit, after)
    return {"items": items, "next": _link(request, cursor=last.encode()) if last else None}


@v1.get("/entities/{entity_id}", response_model=models.EntityCount, responses={404: {"model": models.Problem}})
def get_entity(entity_id: str, db: Db) -> dict[str, Any]:
    """One entity with its article count."""
    if not (found := queries.entities_by_id(db, (entity_id,))):
        raise HTTPException(404, f"no entity {entity_id}")
    return found[0]


@v1.get("/entities/{entity_id}/articles", response_model=models.ArticlePage)
def entity_articles(
    request: Request, entity_id: str, db: Db, limit: Limit = DEFAULT_LIMIT, cursor: CursorParam = None
) -> dict[str, Any]:
    """The articles naming an entity, latest stored first."""
    return _article_page(request, db, queries.ArticleFilter(entity_ids=(entity_id,)), "stored", limit, cursor)


@v1.get("/stories", response_model=models.StoryPage)
def list_stories(request: Request, db: Db, limit: Limit = DEFAULT_LIMIT, cursor: CursorParam = None) -> dict[str, Any]:
    """Stories, the one most recently added to first."""
    items, after = queries.list_stories(db, limit, Cursor.decode(cursor) if cursor else None)
    return {"items": items, "next": _link(request, cursor=after.encode()) if after else None}


@v1.get(
    "/stories/{story_id}",
    response_model=models.StoryDetail,
    responses={404: {"model": models.Problem}, 308: {"description": "Merged into the story at Location."}},
)
def get_story(request: Request, story_id: str, db: Db, limit: Limit = DEFAULT_LIMIT, cursor: CursorParam = None) -> Any:
    """One story with a page of its articles; a story the merge pass merged into another answers 308
    with the survivor's URL in Location (its articles moved there; see StoryMerged on stories.merged)."""
    if (found := queries.story(db, story_id)) is None:
        raise HTTPException(404, f"no story {story_id}")
    if (into := queries.survivor(db, story_id)) is not None:
        # A path, like the pages' `next` links: right behind any proxy. The query (limit, cursor) goes along.
        path = request.url.path.rsplit("/", 1)[0] + "/" + quote(into, safe="")
        return RedirectResponse(f"{path}?{request.url.query}" if request.url.query else path, status_code=308)
    page = _article_page(request, db, queries.ArticleFilter(story_id=story_id), "stored", limit, cursor)
    return {**found, "articles": page}


@v1.get("/status", response_model=models.PipelineStatus, responses={503: {"model": models.Problem}})
def status(request: Request, db: Db) -> dict[str, Any]:
    """What `newsflow status` shows: per stage stream length, pending, backlog, consumers, done in the
    last minute; the dead-letter count; and how many articles the store holds."""
    api = _api(request)
    try:
        state = pipeline_status(api.redis, api.settings).as_dict()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise HTTPException(503, "Redis does not answer: the pipeline's status is unknown") from exc
    return {**state, "stored_articles": queries.count_articles(db)}


@site.get("/healthz", response_model=dict[str, str], responses={503: {"model": models.Problem}})
def health(request: Request) -> JSONResponse:
    """200 while the database answers (no key needed: for probes)."""
    if Store(_api(request).engine).reachable():
        return JSONResponse({"status": "ok"})
    return JSONResponse({"detail": "the database does not answer"}, status_code=503)


@site.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/ui/")


async def _bad_parameter(_request: Request, exc: BadParameter) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=422)


async def _no_search(_request: Request, exc: SearchUnavailable) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=503)


async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    own = f"{request.url.scheme}://{request.url.netloc}"
    if (location := response.headers.get("location", "")).startswith(own):
        # Starlette's slash and directory redirects name the Host the request sent, whatever it was:
        # a relative Location never sends a reader to another site.
        response.headers["location"] = "/" + location[len(own) :].lstrip("/")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if request.url.path.startswith("/ui"):
        response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response


def create_app(settings: ApiSettings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or ApiSettings()
    configure_logging("api", settings.log_format, settings.log_level)
    api = Api(
        settings=settings,
        engine=engine or database_engine(settings.database_url),
        redis=sync_client(settings, socket_timeout=5, socket_connect_timeout=3),
        keys=KeyRing.from_settings(settings.api_key_digests, settings.api_keys),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        require_current(api.engine)  # reads only: the API may run as a read-only database user
        yield
        api.redis.close()
        api.engine.dispose()

    # FastAPIOffline: FastAPI with /docs and /redoc served from files in the package (MIT; Swagger UI 5),
    # not from a CDN, so the documentation works offline and behind a strict proxy.
    app = FastAPIOffline(
        title="newsflow query API",
        description="Read stored articles, their entities and stories, search them, and watch the pipeline. "
        f"Every /v1 request needs an API key in the `{API_KEY_HEADER}` header (or `Authorization: Bearer`). "
        "The web page is at /ui/.",
        version="1",
        lifespan=lifespan,
    )
    app.state.api = api
    app.add_exception_handler(BadParameter, _bad_parameter)  # type: ignore[arg-type]
    app.add_exception_handler(SearchUnavailable, _no_search)  # type: ignore[arg-type]
    app.middleware("http")(_security_headers)
    app.include_router(v1)
    app.include_router(downstream)
    app.include_router(site)
    app.mount("/ui", StaticFiles(directory=STATIC, html=True), name="ui")
    return app
