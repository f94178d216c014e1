"""The pure rules of a live meeting: state, commands, events. No I/O here."""
