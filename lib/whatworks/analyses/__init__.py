"""The book's analyses, one module per subject: pandas, numpy, scikit-learn, statsmodels and lifelines; no charts, no Sphinx.

Each takes tidy frames from :mod:`whatworks.data` and returns tidy frames (or small results) that the
chapters put in their prose and tables and that :mod:`whatworks.charts` draws.
"""
