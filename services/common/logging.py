"""structlog setup: JSON in containers, pretty on a terminal; context vars carry article and trace ids."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# Log fields whose names say they hold a secret, and passwords inside URLs (redis://user:pw@host).
_SECRET_NAME = re.compile(r"key|secret|password|passwd|token|authorization|signature", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]*:)[^@\s]+@")


def redact_secrets(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """No secret reaches a log line, whoever logs it."""
    for field, value in event.items():
        if _SECRET_NAME.search(field) and field not in ("event", "article_id", "trace_id"):
            event[field] = "[redacted]"
        elif isinstance(value, str) and "@" in value:
            event[field] = _URL_PASSWORD.sub(r"\1[redacted]@", value)
    return event


def configure_logging(stage: str, log_format: str = "auto", level: str = "INFO") -> None:
    """Configure structlog (and stdlib logging, so FastStream's lines go the same way)."""
    as_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    renderer = structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(stage=stage)

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            # format_exc_info: a stdlib record's exc_info (uvicorn's 500s) becomes the traceback's text,
            # not "<traceback object at 0x...>".
            processor=renderer,
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name, structlog.processors.format_exc_info],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
