"""The one exception a stage core raises for input that no retry can fix, and the one wording of a
model's validation errors (ingest's 422, a stage's dead letter)."""

from pydantic import ValidationError

MAX_PROBLEMS = 5


class RejectedInput(ValueError):
    """The input cannot become output (empty body, unreadable bytes, ...).

    The FastStream adapter turns it into a dead letter carrying `reason` and acknowledges the
    input; anything else a core raises is a bug or an outage and stays pending for a retry.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def describe_validation_error(exc: ValidationError) -> str:
    """The first few problems, each as `field.path: message` (`body` when the whole value is wrong)."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:MAX_PROBLEMS])
