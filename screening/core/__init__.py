"""Ground floor: geometry, landmark indices, the landmark track, the Result type and the errors."""
