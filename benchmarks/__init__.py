"""The performance benchmark (`make bench`, `make bench-quick`, `make load`): see docs/performance.md."""
