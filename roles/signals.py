from django.dispatch import Signal

# Sent when a version is published, inside the publishing transaction. Arguments: version, by.
# kpis connects to it to sync metrics, so roles never imports kpis.
blueprint_published = Signal()
