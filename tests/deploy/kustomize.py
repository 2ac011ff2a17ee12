"""Renders our Kustomize base and overlays for the tests (no kustomize binary on this machine).

Covers exactly the features the manifests use: resources (files and directories), namespace,
labels, images, and strategic-merge patches matched by kind and name (container lists merged by
name). A manifest using anything else fails here rather than rendering wrongly.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}


def render(directory: Path) -> list[dict[str, Any]]:
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(spec) - SUPPORTED
    assert not unknown, f"{directory}: kustomization fields this renderer does not know: {unknown}"
    docs: list[dict[str, Any]] = []
    for resource in spec.get("resources", []):
        path = (directory / resource).resolve()
        docs += render(path) if path.is_dir() else [d for d in yaml.safe_load_all(path.read_text()) if d]
    for patch in spec.get("patches", []):
        change = yaml.safe_load((directory / patch["path"]).read_text())
        targets = [
            d for d in docs if (d["kind"], d["metadata"]["name"]) == (change["kind"], change["metadata"]["name"])
        ]
        assert targets, f"patch {patch['path']} matches no resource"
        for target in targets:
            _merge(target, change)
    for doc in docs:
        for pair in spec.get("labels", []):
            doc["metadata"].setdefault("labels", {}).update(pair["pairs"])
        if "namespace" in spec and doc["kind"] not in CLUSTER_SCOPED:
            doc["metadata"]["namespace"] = spec["namespace"]
        for image in spec.get("images", []):
            for container in _containers(doc):
                if container["image"].split(":")[0] == image["name"]:
                    container["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
    return docs


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = doc.get("spec", {}).get("template", {}).get("spec", {})
    return list(spec.get("containers", []))


def _merge(target: dict[str, Any], change: dict[str, Any]) -> None:
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list) and all("name" in v for v in value):
            by_name = {item["name"]: item for item in target[key]}
            for item in value:
                if item["name"] in by_name:
                    _merge(by_name[item["name"]], item)
                else:
                    target[key].append(copy.deepcopy(item))
        else:
            target[key] = copy.deepcopy(value)
