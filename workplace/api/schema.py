"""The OpenAPI schema documents the error answers of every operation, not only its success.

A drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)
adds, where a view did not describe them itself, the 4xx answers the API gives by its
rules (CONTRIBUTING.md, workplace.api.errors), all with the one error body:

- 400 — a write, or a read with query parameters: a field or filter at fault, named;
- 401 — an operation that needs credentials, called without (or with an expired token);
- 403 — the caller's role may not do this;
- 404 — an operation on a record (a path parameter) the caller cannot see or that does not exist;
- 409 — an action on a record (POST on ``/{id}/…/``): not allowed in its current state;
- 429 — the token endpoint: locked out or throttled.

Descriptions a view gave (``OpenApiResponse(description=…)``) are kept; they gain the
error body's schema when they had none.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'An error: {"detail": message, "code": code}, or for a field at fault '
        '{"<field>": [messages], "code": code}; messages in the request\'s language.'
    ),
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "additionalProperties": True,
}
REF = {"$ref": "#/components/schemas/Error"}
DESCRIPTIONS = {
    "400": "A field or filter at fault, named in the body.",
    "401": "Not signed in, or the token is unknown or expired.",
    "403": "The caller's role may not do this.",
    "404": "No such record in the caller's sight.",
    "409": "Not allowed in the record's current state.",
    "429": "Too many attempts: locked out or throttled for a while.",
}
WRITES = {"post", "put", "patch"}


def _needs_credentials(operation: dict) -> bool:
    return {} not in operation.get("security", [{}])


def _codes_for(path: str, method: str, operation: dict) -> list[str]:
    codes = []
    has_record = "{" in path
    has_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
    if method in WRITES or has_query:
        codes.append("400")
    if _needs_credentials(operation):
        codes += ["401", "403"]
    if has_record:
        codes.append("404")
    if method == "post" and has_record and not path.rstrip("/").endswith("}"):
        codes.append("409")
    if path.endswith("/auth/token/"):
        codes.append("429")
    return codes


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code in _codes_for(path, method, operation):
                answer = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
                answer.setdefault("content", {"application/json": {"schema": REF}})
    return result
