"""How widely a post spread (copies and reposts found later); re-checks that removed URLs stay removed."""
