"""Scheduled jobs: their times (calendar, cron), what each posts, and posting each exactly once."""
