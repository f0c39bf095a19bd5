"""Deployment: HAProxy in front of N replicas on one machine (cluster.py), the container image and Kubernetes manifests."""
