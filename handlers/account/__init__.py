"""Everyone's first steps: binding to a unit with an invite code, unbinding, help, cancel and bad input."""
