"""Offline translation with Argos Translate: queries to English, case summaries to the reader's
language. models (install, list), engine (lazy loading, chunks), cache (in the corpus DB),
querytr + detect (structure-preserving query translation), reading (case sections)."""
