"""NEXT and REPEAT: GPIO buttons (gpiozero), window keys, or none, behind one `events()`."""
