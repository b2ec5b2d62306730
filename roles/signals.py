from django.dispatch import Signal

# Sent after a version is published, once the transaction commits. Arguments: version, by.
# kpis connects to it to sync metrics, so roles never imports kpis.
blueprint_published = Signal()
