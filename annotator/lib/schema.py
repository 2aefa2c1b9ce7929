"""The OpenAPI schema tells what the API answers (issue 15, part 5).

`ContractAutoSchema` (drf-spectacular's AutoSchema) documents, on every operation, the error
answers it can give, each with the one error envelope (`ErrorEnvelope`):

- 400 when the operation takes a body or query parameters (invalid input, bad query parameter);
- 401 and 403 unless anyone may call it (no or expired token; role limits, CSRF);
- 404 when the path names an object, the body may name one (an annotation to flag, a proposal
  to merge into), or the list is paginated (a page past the end);
- 409 on writes (stale `version`, a state that forbids the transition, a duplicate);
- 413 and 415 when it takes a body (over the size limit; a media type it does not parse);
- 414 when it takes query parameters (a request line over `API_MAX_REQUEST_LINE`);
- 429 where logins are counted (`/api/auth/token/`, account lockout);
- what a view adds in `extra_error_statuses` (e.g. 409/410 for a download not ready or expired).

Request bodies are documented as JSON, unless the view names its own parsers (source intake
takes multipart uploads too): the form parsers stay on for the browsable API and tests only.

`tests/foundation/test_api_contract.py` holds the app to this with schemathesis.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ErrorEnvelopeSerializer(serializers.Serializer):
    """Every API error: a stable code, a message for people, the fields at fault. Some errors add
    context beside these three (`current` on a stale write, `merged_into` on a merged proposal)."""

    error = serializers.CharField(help_text="Stable machine-readable code, e.g. `invalid`.")
    detail = serializers.CharField(help_text="What went wrong, in the user's language.")
    # DRF pops declared fields off the class, so this does not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text="Field name -> messages, for input errors; empty otherwise.",
    )


ERROR_DESCRIPTIONS = {
    400: "Invalid input or query parameter (`invalid`, `too_deep`, `too_long`, ...).",
    401: "Not signed in, or the token is unknown or expired (`not_authenticated`, "
    "`authentication_failed`, `token_expired`).",
    403: "Signed in but not allowed (`forbidden`, `permission_denied`).",
    404: "No such object, or not visible to you (`not_found`).",
    409: "Stale `version`, or a state that forbids it (`stale_version`, `invalid_transition`, "
    "`duplicate`, `conflict`).",
    410: "Gone: the file was deleted after the retention period (`gone`).",
    413: "The body is over the size limit (`too_large`).",
    414: "The request line (path and query) is too long (`uri_too_long`).",
    415: "The body's media type is not accepted (`unsupported_media_type`).",
    429: "Too many failed logins on this account (`locked_out`, with Retry-After).",
}


# DRF's CharField refuses NUL characters, and trims what str.strip() trims (Python's whitespace, a
# wider set than ECMA's `\s`) before refusing a blank: the patterns say both.
_BLANK = r"\s\x00\x1c-\x1f\x85\ufeff"
NO_NUL_PATTERN = r"^[^\x00]*$"
DATE_PATTERN = r"^(?!0000)[0-9]{4}-"
NON_BLANK_PATTERN = rf"^[^\x00]*[^{_BLANK}][^\x00]*$"


class ContractAutoSchema(AutoSchema):
    """AutoSchema that documents every error status an operation can answer (see module doc)."""

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.DateField)
            and isinstance(schema, dict)
            and schema.get("format") == "date"
        ):
            # RFC 3339 allows the year 0000; Python's dates (and so the API) start at 0001.
            schema["pattern"] = DATE_PATTERN
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and isinstance(schema, dict)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "enum" not in schema
            and "format" not in schema
        ):
            blank_refused = not field.allow_blank
            schema["pattern"] = (
                NON_BLANK_PATTERN if blank_refused and field.trim_whitespace else NO_NUL_PATTERN
            )
            if blank_refused:
                schema.setdefault("minLength", 1)
        return schema

    def _get_parameters(self) -> list[Any]:
        parameters: list[Any] = super()._get_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {}) if isinstance(parameter, dict) else {}
            if schema.get("format") == "date":
                schema["pattern"] = DATE_PATTERN
            elif (
                parameter.get("in") == "query"
                and schema.get("type") == "string"
                and not {"enum", "pattern", "format"} & set(schema)
            ):
                schema["pattern"] = NO_NUL_PATTERN  # forms refuse NUL characters (400)
        return parameters

    #: Operations where failed logins are counted and answered 429 once the account is locked.
    login_paths = ("/api/auth/token/",)

    def error_statuses(self) -> list[int]:
        codes: set[int] = set()
        takes_body = self.method in ("POST", "PUT", "PATCH")
        has_query = any(
            p.get("in") == "query" for p in self._get_parameters() if isinstance(p, dict)
        )
        public = any(
            isinstance(p, type) and issubclass(p, AllowAny)
            for p in getattr(self.view, "permission_classes", [])
        )
        if takes_body or has_query:
            codes.add(400)
        if not public:
            codes.update((401, 403))
        if "{" in self.path or self._get_pagination_parameters() or (takes_body and not public):
            codes.add(404)
        if self.method in UNSAFE_METHODS and not public:
            codes.add(409)
        if takes_body:
            codes.update((413, 415))
        if has_query:
            codes.add(414)
        if self.path in self.login_paths:
            codes.add(429)
        codes.update(getattr(self.view, "extra_error_statuses", ()))
        return sorted(codes)

    def map_parsers(self) -> list[Any]:
        from django.conf import settings

        default = settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]
        declared = [f"{c.__module__}.{c.__name__}" for c in self.view.parser_classes]
        media_types: list[Any] = super().map_parsers()
        if declared == default:
            return [m for m in media_types if m == "application/json"]
        return [m for m in media_types if m != "application/x-www-form-urlencoded"]

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self.error_statuses():
            if str(code) in responses:
                continue
            # Errors are rendered by the negotiated renderer (JSON, or JSON-LD on annotations).
            response = self._get_response_for_code(ErrorEnvelopeSerializer, str(code))
            response["description"] = ERROR_DESCRIPTIONS[code]
            responses[str(code)] = response
        return responses


# Rules between fields that a serializer cannot state, added to the generated components.
ONE_OF_REQUIRED = {
    # A flag names exactly one target.
    "FlagInputRequest": ("annotation", "reply"),
}


# A review that asks for changes or rejects says why (annotator.review.services).
REVIEW_DECISION_RULE = [
    {"properties": {"decision": {"enum": ["approve"]}}},
    {
        "properties": {
            "decision": {"enum": ["request_changes", "reject"]},
            "comment": {"type": "string", "pattern": NON_BLANK_PATTERN},
        },
        "required": ["comment"],
    },
]


# A multipart part cannot be null (it is left out, or empty, which reads as none).
NOT_NULL_IN_FORMS: dict[str, tuple[str, ...]] = {"ArticleCreateInputRequest": ("published_on",)}


def postprocess_contract(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS: the rules between fields above."""
    components = result.get("components", {}).get("schemas", {})
    for name, fields in NOT_NULL_IN_FORMS.items():
        for field in fields if name in components else ():
            components[name]["properties"][field].pop("nullable", None)
    if "ReviewInputRequest" in components:
        components["ReviewInputRequest"]["oneOf"] = REVIEW_DECISION_RULE
    for name, fields in ONE_OF_REQUIRED.items():
        component = components.get(name)
        if component is None:
            continue
        for field in fields:
            component["properties"][field].pop("nullable", None)
        component["oneOf"] = [{"required": [field]} for field in fields]
    return result
