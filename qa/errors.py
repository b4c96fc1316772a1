"""One base for the errors a user can act on: each carries its CLI exit code and HTTP status, mapped once in
the CLI and once in the API."""

from __future__ import annotations

from typing import ClassVar


class QAError(Exception):
    """Something the user can fix; the message says what to do."""

    exit_code: int = 2
    http_status: int = 503  # the service cannot do it now; the client's request was fine
    headers: ClassVar[dict[str, str] | None] = None
