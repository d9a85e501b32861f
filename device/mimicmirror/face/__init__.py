"""Face analysis: landmarks from MediaPipe, a face frame, per-side measures."""
