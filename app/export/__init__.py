"""Exports of incidents for the municipal registers (GIR, SafetyNet)."""
