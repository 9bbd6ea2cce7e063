"""The organisation's preparedness plan: the norm, who monitors, who responds, contacts, removal guidance."""
