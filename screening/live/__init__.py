"""Live camera: framing coach, live mirror, recording session and its processing-rate benchmark."""
