"""Running newsflow on one machine: private servers from local binaries, worker processes, the main job."""
