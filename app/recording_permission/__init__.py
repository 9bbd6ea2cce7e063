"""Recording permissions: citizens' requests to record a conversation, the decision, and breaches."""
