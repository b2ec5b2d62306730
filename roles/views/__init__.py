"""Server-rendered pages of the portal, one module per page or resource."""
