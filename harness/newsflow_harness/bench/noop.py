"""A pass-through stage for the messaging-only benchmark: same broker, groups and delivery machinery
as the real stages (batched reads, pipelined writes, retries), no core.
`python -m newsflow_harness.bench.noop IN OUT GROUP`."""

import asyncio
import sys
from typing import Any

from services.common.batch import Outcome, consume_batches
from services.common.broker import make_broker
from services.common.settings import Settings


async def pass_through(messages: list[dict[str, Any]]) -> list[Outcome]:
    return list(messages)  # dicts go out as they came in


def main(source: str, target: str, group: str) -> None:
    settings = Settings()
    broker = make_broker(settings, group)
    consume_batches(
        broker, settings, group=group, stream=source, model=dict[str, Any], out_stream=target, process=pass_through
    )

    async def run() -> None:
        async with broker:
            await broker.start()
            await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    main(*sys.argv[1:4])
