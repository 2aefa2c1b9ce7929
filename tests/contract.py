"""Schemathesis over every API operation, in process (WSGI), as given roles.

Used by tests/foundation/test_api_contract.py (short run, part of `make test`) and by
bench/contract_long.py (long run). Each operation is driven by Hypothesis with a fixed budget of
examples, derandomized (the same cases on every run), in positive and negative modes; half the
cases name objects that exist, so the 200 answers are checked too, not only the 404s. Failures
are collected (not shrunk) and reported together, one line per distinct (operation, check,
status).

The checks are schemathesis' not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance and positive_data_acceptance. The last one
holds every schema-valid request to a non-400 answer, except where a rule cannot be written in a
schema; those 400s are tolerated only when they name nothing but the fields below (any other 400
still fails):
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

# (method, path) -> fields whose 400 a schema cannot foresee, with the reason.
SEMANTIC_400_FIELDS: dict[tuple[str, str], set[str]] = {
    # Wrong credentials: the credential endpoint answers 400 (its contract since issue 1).
    ("POST", "/api/auth/token/"): set(),
    # A source is judged by its content (empty, unsupported type, no text layer, fetch failed)
    # and exactly one of text/file/source_url is given; candidacy ids must exist.
    ("POST", "/api/articles/"): {"text", "file", "source_url", "candidacies"},
    ("POST", "/api/articles/preview/"): {"text", "file", "source_url"},
    # The quote must match the article's text at the position (end after start).
    # The article and proposals are named by id.
    ("POST", "/api/annotations/"): {"article", "quote", "position", "proposals", "tags"},
    # The parent reply must belong to the annotation.
    ("POST", "/api/annotations/{id}/replies/"): {"parent"},
    # Merging needs another proposal; a verdict on a proposal "to discuss" needs a feasibility.
    ("POST", "/api/proposals/{id}/merge/"): {"into"},
    ("POST", "/api/proposals/{id}/verdict/"): {"feasibility"},
    # An import names its article by id, judges its file by its content (empty, too large), and
    # its options map source users to existing accounts (moderators only).
    ("POST", "/api/imports/"): {"article", "file", "options", "user_map", "keep_approved"},
    # `for_article` names a source the user may read (another id is a 400, never a leak).
    ("GET", "/api/proposals/"): {"for_article"},
    # Candidacies and theme codes are reference data named by id and code.
    ("POST", "/api/proposals/"): {"candidacy", "primary_theme", "secondary_themes"},
    ("PATCH", "/api/proposals/{id}/"): {"candidacy", "primary_theme", "secondary_themes"},
    ("PUT", "/api/proposals/{id}/"): {"candidacy", "primary_theme", "secondary_themes"},
    # The rubric's rules between fields (evidence unless not assessable, blocking obstacles).
    ("POST", "/api/proposals/{id}/ratings/"): {
        "feasibility",
        "obstacles",
        "importance",
        "confidence",
        "justification",
        "evidence",
    },
    # Export filters name elections, candidates and themes by key, articles by id.
    ("POST", "/api/exports/"): {
        "filters",
        "election",
        "candidate",
        "theme",
        "article",
        "date_to",
    },
}


def positive_data_acceptance_beyond_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance, tolerating only the SEMANTIC_400_FIELDS of the operation."""
    tolerated = SEMANTIC_400_FIELDS.get((case.method.upper(), case.operation.path))
    if tolerated is not None and response.status_code == 400:
        try:
            fields = set(response.json().get("fields", {}))
        except ValueError:
            fields = {"<not json>"}
        if fields <= tolerated:
            return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance_beyond_schema,
]


@dataclass
class ContractReport:
    cases: int = 0
    failures: dict[tuple[str, str, int | None], str] = field(default_factory=dict)
    operations: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"{operation} {check} -> {status}: {message}"
            for (operation, check, status), message in sorted(
                self.failures.items(), key=lambda item: str(item[0])
            )
        ]


def _failures_of(exc: BaseException) -> Iterable[Failure]:
    if isinstance(exc, FailureGroup):
        for inner in exc.exceptions:
            yield from _failures_of(inner)
    elif isinstance(exc, Failure):
        yield exc


def load_schema(application: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


def run_contract(
    schema: Any,
    *,
    roles: dict[str, Callable[[], dict[str, str]]],
    known_ids: Callable[[str], list[int]],
    max_examples: int,
    report: ContractReport | None = None,
) -> ContractReport:
    """Every operation of `schema`, for each role (a function giving the request headers),
    `max_examples` positive and `max_examples` negative cases each."""
    report = report or ContractReport()
    started = time.perf_counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    report.operations = len(operations)
    for role, headers_for in roles.items():
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run_operation(operation, role, headers_for, known_ids, mode, max_examples, report)
    report.seconds = time.perf_counter() - started
    return report


def _strategy(operation: Any, mode: GenerationMode, ids: list[int]) -> Any:
    base = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters]
    if not ids or len(names) != 1 or mode is GenerationMode.NEGATIVE:
        return base
    known = [
        operation.as_strategy(generation_mode=mode, path_parameters={names[0]: i}) for i in ids
    ]
    return st.one_of(base, *known)


def _run_operation(
    operation: Any,
    role: str,
    headers_for: Callable[[], dict[str, str]],
    known_ids: Callable[[str], list[int]],
    mode: GenerationMode,
    max_examples: int,
    report: ContractReport,
) -> None:
    label = f"[{role}] {operation.method.upper()} {operation.path}"

    @hypothesis.settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=_strategy(operation, mode, known_ids(operation.path)))
    def exercise(case: Any) -> None:
        report.cases += 1
        headers = headers_for()
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as exc:
            for failure in _failures_of(exc):
                key = (label, type(failure).__name__, response.status_code)
                sent = f"{case.media_type} {case.query} {str(case.body)[:200]}"
                message = (
                    f"{failure.title}: {failure.message} | sent {sent}"
                    f" | answered {response.text[:300]}"
                )
                report.failures.setdefault(key, " ".join(message.split())[:700])

    # Negative mode has nothing to negate on some operations (no parameters, no body).
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        exercise()


@contextlib.contextmanager
def requests_keep_the_connection() -> Iterator[None]:
    """Django closes the database connection after each request when it is inside a transaction
    (as a test's is); like Django's test client, keep it open meanwhile."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


# Set-up shared by the short run (test) and the long one (bench).


def refuse_name_resolution(*args: Any, **kwargs: Any) -> Any:
    raise OSError("the contract run never resolves or fetches addresses")


def seed_objects(fact_checker: Any) -> dict[str, list[int]]:
    """A few objects of each kind, so that half the cases hit existing ids (200 answers)."""
    from tests.factories import AnnotationFactory, ArticleFactory, ProposalFactory
    from tests.factories.exports import ExportJobFactory
    from tests.factories.review import FlagFactory, NotificationFactory, ReplyFactory

    article = ArticleFactory(text="Le candidat promet la fibre partout en 2027. " * 4)
    proposal = ProposalFactory()
    own = AnnotationFactory(author=fact_checker, article=article)
    other = AnnotationFactory(article=article, status="submitted")
    ReplyFactory(annotation=other)
    flag = FlagFactory(annotation=other)
    notification = NotificationFactory(recipient=fact_checker, annotation=other)
    job = ExportJobFactory(requested_by=fact_checker)
    return {
        "/api/articles/": [article.pk],
        "/api/annotations/": [own.pk, other.pk],
        "/api/proposals/": [proposal.pk],
        "/api/flags/": [flag.pk],
        "/api/notifications/": [notification.pk],
        "/api/exports/": [job.pk],
        "/api/auth/tokens/": [fact_checker.pk],
    }


def ids_for(objects: dict[str, list[int]]) -> Any:
    def known_ids(path: str) -> list[int]:
        for prefix, ids in objects.items():
            if path.startswith(prefix):
                return ids
        return []

    return known_ids


def token_headers(user: Any) -> Any:
    from annotator.lib.auth_tokens import token_issue

    # Issued again for every request: the run also calls the revoke endpoints.
    return lambda: {"Authorization": f"Token {token_issue(user=user).key}"}
