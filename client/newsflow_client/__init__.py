"""Send articles to newsflow's ingest API from a scraper: `NewsflowClient`, and `newsflow_client.scrapy`."""

from .client import IngestRefused, IngestUnavailable, NewsflowClient, Outcome
from .signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, sign_request

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "IngestRefused",
    "IngestUnavailable",
    "NewsflowClient",
    "Outcome",
    "sign",
    "sign_request",
]
