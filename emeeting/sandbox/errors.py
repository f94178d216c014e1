"""How a sandboxed job can end other than with its result: the sandbox's own error types.

Two kinds, kept apart because the pool treats them differently:

- ``Refused``: the job itself said no (a file it will not take, a page it cannot draw), with a
  code, a message for people and a detail for the log. The worker survives it and takes the next
  job. A caller's own refusal type (``DocumentError``) derives from it, so that the worker can
  send it back without knowing the caller; on the pool side the caller's ``Job.refused`` turns
  the three strings back into its own type.
- ``SandboxError``: the sandbox stopped the job, or lost it: the phase's time limit passed, the
  worker ran out of memory or crashed (or spoke nonsense), or the pool is closing. The worker is
  replaced. ``phase`` names the step the job was in, so that the caller can say what happened
  in its own words (``documents.pool`` maps it to a ``DocumentError``; the export endpoints to
  ``500 export_failed``).
"""

from __future__ import annotations

from enum import StrEnum


class Refused(Exception):
    """The job refused its input: ``code`` (a caller's stable code), ``message`` and ``detail``."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.detail = detail


class Reason(StrEnum):
    TIMEOUT = "timeout"  # the phase's time limit passed: the worker was killed
    OUT_OF_MEMORY = "out_of_memory"  # an allocation failed under the worker's memory limit, or the OOM killer
    CRASHED = "crashed"  # the job raised something unexpected, or the worker died or spoke nonsense
    CLOSED = "closed"  # the pool is closing (or closed): the job was not run, or was cut short


class SandboxError(Exception):
    """The sandbox ended the job: ``reason``, in phase ``phase``; ``detail`` is for the log only."""

    def __init__(self, reason: Reason, phase: str, detail: str = "") -> None:
        super().__init__(f"{reason} in {phase}" + (f": {detail}" if detail else ""))
        self.reason = reason
        self.phase = phase
        self.detail = detail
