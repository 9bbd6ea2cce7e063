"""Integration with other systems: external references of incidents."""
