"""Web captures: a URL loaded in headless Chromium, kept as WACZ, screenshot and metadata."""
