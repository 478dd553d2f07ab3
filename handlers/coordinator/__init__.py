"""Chat steps of the coordinators (督查室): questions, review, listings, export, periods, invites, groups, upload."""
