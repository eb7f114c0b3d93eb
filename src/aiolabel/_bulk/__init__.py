"""Bulk machinery that knows no resource: key batches, descriptor files, item specs, reconcile
lookups. Resources compose these with the client's request contract."""
