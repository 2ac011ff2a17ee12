"""The one exception a stage core raises for input that no retry can fix."""


class RejectedInput(ValueError):
    """The input cannot become output (empty body, unreadable bytes, ...).

    The FastStream adapter turns it into a dead letter carrying `reason` and acknowledges the
    input; anything else a core raises is a bug or an outage and stays pending for a retry.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
