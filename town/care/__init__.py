"""Care of a household under a measure: its responsible people (四包一), sampling rounds, and the end of it.

`apply_quarantine` is the one way a quarantine opens or is replaced: it keeps the care in step with the record.
The jobs that remind, escalate and close are in broadcasts/care.
"""

from town.care.lifecycle import Change, apply_quarantine, apply_quarantines

__all__ = ["Change", "apply_quarantine", "apply_quarantines"]
