"""Cues on the reflection: the geometry of the glass, and where the bars stand."""
