"""The dashboard's web part: routes, templates and the stylesheet (installed as package data)."""
