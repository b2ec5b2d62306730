class FormatError(ValueError):
    """A document does not follow format v1. `where` names the place, e.g. "kpis[3].name"."""

    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)
