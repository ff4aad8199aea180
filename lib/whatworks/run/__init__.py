"""Running chapters on a practitioner's data: chapter parameters, the runner, the offline report and the command line."""
