"""The evidence vault: streamed uploads with hashes, custody log, verification and dossier."""
