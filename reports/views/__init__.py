"""Views of the reports app: small, they fetch through reports.access, call a service and redirect."""
