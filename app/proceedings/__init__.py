"""The police decision of an incident and the particulars of a civil claim."""
