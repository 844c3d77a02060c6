"""Files in and out: Excel, plan documents, meeting material, backups."""
