"""The schema says which errors every operation may answer: 400 for bad input, 403 without a
sign-in or the role, 404 for records outside the person's subtree (and 503 where declared)."""

from __future__ import annotations

from typing import Any

ERROR = {"description": "", "content": {"application/json": {"schema": {"type": "object"}}}}
DESCRIPTIONS = {
    "400": "Bad input: every reason listed, nothing saved",
    "403": "Not signed in, or the role does not allow the action",
    "404": "No such record in the person's subtree",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, text in DESCRIPTIONS.items():
                operation["responses"].setdefault(code, {**ERROR, "description": text})
    return result
