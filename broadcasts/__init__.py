"""The scheduler and its jobs: announcements, risk-list pushes, the daily brief, reminders."""
