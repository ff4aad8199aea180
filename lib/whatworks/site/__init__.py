"""The book site: the Sphinx extension, the workshop editions hook, slimming the built site, the browser it is checked in, the data-sources page."""
