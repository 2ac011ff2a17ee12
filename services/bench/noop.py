"""A pass-through stage for the messaging-only benchmark: same broker, groups and delivery machinery
as the real stages, no core. `python -m services.bench.noop IN OUT GROUP`."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from services.common.broker import consume, make_broker, out_stream
from services.common.settings import Settings


def main(source: str, target: str, group: str) -> None:
    settings = Settings()
    broker = make_broker(settings, group)

    @consume(broker, source, group, settings)
    @broker.publisher(stream=out_stream(target, settings))
    async def hop(message: dict[str, Any]) -> dict[str, Any]:
        return message

    async def run() -> None:
        async with broker:
            await broker.start()
            await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    main(*sys.argv[1:4])
