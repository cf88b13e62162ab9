"""Tables owned by other capabilities: each imports `metadata` and defines its tables in its own module,
and that module is imported below, one line each."""
