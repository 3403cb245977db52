"""Analysis engine: video and pose in, landmark track, clean-up, events, measures, checks, norms and ratings out."""
