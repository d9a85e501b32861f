"""The exercise programme (data) and the pure session engine."""
