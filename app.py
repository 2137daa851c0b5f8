"""gdprkb in the browser: `gdprkb serve`, or `streamlit run app.py [-- --home DIR]`."""

from gdprkb.webapp.main import run

run()
