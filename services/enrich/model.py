"""Load the spaCy pipeline for enrichment: `ner` and the components it listens to run on every text; the
`parser` (and its embedder) is loaded disabled, for the few sentences quotes reads (see `parse_sentences`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_model_meta, get_package_path, is_package, load_config

# Components that produce embeddings other components can listen to.
_EMBEDDERS = {"tok2vec", "transformer"}


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model package is not installed in this environment."""


# Parses sentences: quotes reads reported speech on the dependency parse.
Parser = Callable[[list[str]], list[Doc]]


def load_nlp(name: str) -> Language:
    """The installed model package `name`: what NER needs enabled, the parser and what it needs loaded but
    disabled (nlp(text) and nlp.pipe run NER only), every other component left out."""
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
    components = config["components"]
    keep = _components_needed(components, "ner")
    parse = _components_needed(components, "parser") - keep if "parser" in pipeline else set()
    # exclude, not disable: the left-out components are never loaded, which saves load time and memory.
    exclude = [pipe for pipe in pipeline if pipe not in keep | parse]
    return spacy.load(name, exclude=exclude, disable=sorted(parse))


def sentence_parser(nlp: Language) -> Parser | None:
    """A function parsing a few sentences with the (disabled) parser and its embedder; None without a parser.

    Parsing whole articles costs +64% of enrich (ms/article over quotes-dev); the sentences quotes needs
    parsed are a fraction of them."""
    if "parser" not in nlp.component_names:
        return None
    steps = [nlp.get_pipe(name) for name in nlp.component_names if name in nlp.disabled]

    def parse(texts: list[str]) -> list[Doc]:
        docs = [nlp.make_doc(text) for text in texts]
        for step in steps:
            docs = list(step.pipe(docs))  # type: ignore[attr-defined]
        return docs

    return parse


def _package_config(name: str) -> Any:
    """The package's config.cfg, read without loading any weights (same layout spaCy's loader uses)."""
    package = get_package_path(name)
    meta = get_model_meta(package)
    return load_config(package / f"{meta['lang']}_{meta['name']}-{meta['version']}" / "config.cfg")


def _components_needed(components: dict[str, Any], component: str) -> set[str]:
    """`component` (ner, parser), plus the embedder it listens to, if any.

    In en_core_web_sm/md/lg the NER has its own Tok2Vec (over NORM, PREFIX, SUFFIX, SHAPE, which no
    other component sets), so it needs nothing else; transformer pipelines have NER listen to a shared
    `transformer`. A sourced NER has no model config here: keep every embedder to be safe.
    """
    config = components[component]
    embedders = {name for name, c in components.items() if c.get("factory") in _EMBEDDERS}
    if "model" not in config:
        return {component} | embedders
    embedding = config["model"].get("tok2vec", {})
    if "Listener" not in embedding.get("@architectures", ""):
        return {component}
    upstream = embedding.get("upstream", "*")
    return {component} | (embedders if upstream == "*" else {upstream})
