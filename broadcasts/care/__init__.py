"""The jobs of household care: check-in reminders, supply escalation, sampling rounds, and the end of a measure."""

from broadcasts.care import checkins, release, sampling, supplies

# (name, job) pairs for broadcasts/jobs.py, in the order they run.
CARE_JOBS = (
    ("care_supplies", supplies.job),
    *checkins.JOBS,
    ("sampling_eve", sampling.remind_eve),
    ("sampling_missed", sampling.escalate_missed),
    ("care_end_notices", release.end_notices),
    ("care_close", release.close_ended),
)

__all__ = ["CARE_JOBS"]
