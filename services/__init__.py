"""newsflow services: one package per pipeline stage, plus what they share in `common`."""
