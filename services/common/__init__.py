"""What every stage shares: settings, broker factory, logging, stream names, errors."""
