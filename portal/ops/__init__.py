"""Operating the portal: liveness and readiness, Prometheus metrics, structured logs."""
