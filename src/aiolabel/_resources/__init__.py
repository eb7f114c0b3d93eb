"""One module per Labelbox resource: the behaviour behind the official method names.

Each module holds one class bound to the client (:class:`~aiolabel._resources._base.Resource`);
``AsyncClient`` and the models delegate to it in one line. A resource reaches another resource
only through the client (``self._client._<other>``), never by importing its functions.
"""
