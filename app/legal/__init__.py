"""Legal packs (behaviour -> criminal-code articles per country) and the legal assessment of incidents."""
