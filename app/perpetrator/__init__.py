"""Perpetrator records per organisation and the repeat-perpetrator (systematic) signal."""
