"""Writes one JSON Schema file per message model: `python -m newsflow_schemas.export [DIR]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import MODELS

DEFAULT_DIR = Path(__file__).parent / "json"


def schema_files() -> dict[str, str]:
    """File name -> JSON text, for every model."""
    return {
        f"{model.__name__}.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for model in MODELS
    }


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    target.mkdir(parents=True, exist_ok=True)
    for name, text in schema_files().items():
        (target / name).write_text(text)
        print(target / name)


if __name__ == "__main__":
    main()
