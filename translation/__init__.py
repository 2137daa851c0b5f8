"""Offline translation with Argos Translate: queries to English, case summaries to the reader's
language. models (install, list), engine (lazy loading, chunks, the cache in the corpus DB),
query (language detection and structure-preserving query translation), reading (case sections).
"""
