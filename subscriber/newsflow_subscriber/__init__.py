"""Read newsflow's ArticleStored events without losing one: `subscribe(handler, group="my-app")`.

Installable with the contract alone (`pip install ./schemas ./subscriber`): depends on
newsflow-schemas, redis and httpx, never on the pipeline's services.
"""

from .backfill import events_between
from .reader import BackfillUnavailable, Subscriber, subscribe

__all__ = ["BackfillUnavailable", "Subscriber", "events_between", "subscribe"]
