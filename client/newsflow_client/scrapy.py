"""A Scrapy item pipeline that sends every item to newsflow. In the project's settings.py:

    ITEM_PIPELINES = {"newsflow_client.scrapy.NewsflowPipeline": 800}
    NEWSFLOW_URL = "http://127.0.0.1:8000"

The key comes from NEWSFLOW_API_KEY (a setting, or the environment variable); NEWSFLOW_HMAC_SECRET and
NEWSFLOW_BATCH_ITEMS are optional. Items keep their own field names: newsflow maps Scrapy items as it maps
other scrapers' JSON (`html` or `body` for the page, `url`, `title`, `author`, `date`, ...).
"""

from __future__ import annotations

import os
from typing import Any

from itemadapter import ItemAdapter

from .client import NewsflowClient, Outcome


class NewsflowPipeline:
    def __init__(self, url: str, api_key: str, hmac_secret: str | None = None, batch_items: int = 50) -> None:
        self.client = NewsflowClient(url, api_key, hmac_secret=hmac_secret, batch_items=batch_items)
        self.stats: Any = None
        self.logger: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> NewsflowPipeline:
        settings = crawler.settings
        url = settings.get("NEWSFLOW_URL") or os.environ.get("NEWSFLOW_URL")
        key = settings.get("NEWSFLOW_API_KEY") or os.environ.get("NEWSFLOW_API_KEY")
        if not url or not key:
            from scrapy.exceptions import NotConfigured

            raise NotConfigured("set NEWSFLOW_URL and NEWSFLOW_API_KEY (a setting or an environment variable)")
        secret = settings.get("NEWSFLOW_HMAC_SECRET") or os.environ.get("NEWSFLOW_HMAC_SECRET")
        pipeline = cls(url, key, secret, settings.getint("NEWSFLOW_BATCH_ITEMS", 50))
        pipeline.stats = crawler.stats
        return pipeline

    def open_spider(self, spider: Any) -> None:
        self.logger = spider.logger

    def process_item(self, item: Any, spider: Any = None) -> Any:
        self._count(self.client.add(ItemAdapter(item).asdict()))
        return item

    def close_spider(self, spider: Any = None) -> None:
        try:
            self._count(self.client.flush())
        finally:
            self.client.close()

    def _count(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if self.stats is not None:
                self.stats.inc_value("newsflow/accepted" if outcome.accepted else "newsflow/rejected")
            if not outcome.accepted and self.logger is not None:
                self.logger.warning("newsflow refused %s: %s", outcome.article.get("url"), outcome.reason)
