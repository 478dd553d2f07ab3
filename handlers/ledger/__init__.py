"""Ledger use cases without chat: read a ledger file, import it, compile a period, render it."""
