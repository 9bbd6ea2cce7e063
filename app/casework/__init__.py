"""The case's own records: witnesses, journal notes, a complaint handled as its own step, and the
tracing of an unknown sender (police, specialist)."""
