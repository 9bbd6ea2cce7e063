"""Follow-up actions: the timeline of handling an incident, with assignees, due dates and reminders."""
