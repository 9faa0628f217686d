"""Care of a household under a measure: its responsible people (四包一), sampling rounds, and the end of it.

`apply_quarantine` is the one way a quarantine opens or is replaced: it keeps the care in step with the record.
The jobs (`sampling.remind_eve`, `sampling.escalate_missed`, `release.end_notices`, `release.close_ended`) are
registered in broadcasts/jobs.py.
"""

from broadcasts.care import release, sampling
from broadcasts.care.lifecycle import apply_quarantine

# (name, job) pairs for broadcasts/jobs.py, in the order they run.
CARE_JOBS = (
    ("sampling_eve", sampling.remind_eve),
    ("sampling_missed", sampling.escalate_missed),
    ("care_end_notices", release.end_notices),
    ("care_close", release.close_ended),
)

__all__ = ["CARE_JOBS", "apply_quarantine"]
