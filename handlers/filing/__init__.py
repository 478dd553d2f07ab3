"""The contact's monthly filing (填报) flow: item by item, echo what was understood, ask when unsure."""
