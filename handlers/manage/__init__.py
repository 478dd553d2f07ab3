"""Use cases the chat steps and the CLI share: periods, invites, roles and groups, period prompts."""
