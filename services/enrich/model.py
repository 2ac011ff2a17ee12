"""Load the spaCy pipeline for enrichment: the `ner` component and only the components it listens to."""

from __future__ import annotations

from typing import Any

import spacy
from spacy.language import Language
from spacy.util import get_model_meta, get_package_path, is_package, load_config

# Components that produce embeddings other components can listen to.
_EMBEDDERS = {"tok2vec", "transformer"}


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model package is not installed in this environment."""


def load_nlp(name: str) -> Language:
    """The installed model package `name` with every component NER does not need left out."""
    if not is_package(name):
        raise ModelNotInstalled(
            f"spaCy model package {name!r} is not installed: install it with `pip install {name}` "
            f"(official spaCy models: `python -m spacy download {name}`), "
            "or set NEWSFLOW_SPACY_MODEL to an installed model"
        )
    config = _package_config(name)
    pipeline: list[str] = list(config["nlp"]["pipeline"])
    if "ner" not in pipeline:
        raise ValueError(f"spaCy model {name!r} has no 'ner' component (it has {pipeline})")
    keep = _components_ner_needs(config["components"])
    # exclude, not disable: the left-out components are never loaded, which saves load time and memory.
    return spacy.load(name, exclude=[pipe for pipe in pipeline if pipe not in keep])


def _package_config(name: str) -> Any:
    """The package's config.cfg, read without loading any weights (same layout spaCy's loader uses)."""
    package = get_package_path(name)
    meta = get_model_meta(package)
    return load_config(package / f"{meta['lang']}_{meta['name']}-{meta['version']}" / "config.cfg")


def _components_ner_needs(components: dict[str, Any]) -> set[str]:
    """`ner`, plus the embedder it listens to, if any.

    In en_core_web_sm/md/lg the NER has its own Tok2Vec (over NORM, PREFIX, SUFFIX, SHAPE, which no
    other component sets), so it needs nothing else; transformer pipelines have NER listen to a shared
    `transformer`. A sourced NER has no model config here: keep every embedder to be safe.
    """
    ner = components["ner"]
    embedders = {name for name, c in components.items() if c.get("factory") in _EMBEDDERS}
    if "model" not in ner:
        return {"ner"} | embedders
    embedding = ner["model"].get("tok2vec", {})
    if "Listener" not in embedding.get("@architectures", ""):
        return {"ner"}
    upstream = embedding.get("upstream", "*")
    return {"ner"} | (embedders if upstream == "*" else {upstream})
